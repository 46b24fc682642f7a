import secrets
import uuid
from uuid import UUID

from application.ports.token_generator import TokenGenerator

REFRESH_TOKEN_BYTES = 32  # 256 bits


class SecretsTokenGenerator(TokenGenerator):
    def new_id(self) -> UUID:
        return uuid.uuid4()

    def new_refresh_token(self) -> str:
        return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
