"""Deterministic stand-ins for the ports that carry time, randomness, slowness and signatures."""

import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.token_generator import TokenGenerator
from application.ports.token_signer import TokenSigner
from application.ports.token_verifier import TokenVerifier
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken


class FixedClock(Clock):
    def __init__(self, start: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class SequentialTokenGenerator(TokenGenerator):
    """Ids 00000000-...-000000000001, -2, ... and refresh tokens `refresh-token-1`, `-2`, ..."""

    def __init__(self) -> None:
        self._ids = 0
        self._tokens = 0

    def new_id(self) -> UUID:
        self._ids += 1
        return UUID(int=self._ids)

    def new_refresh_token(self) -> str:
        self._tokens += 1
        return f"refresh-token-{self._tokens}"


class PlainPasswordHasher(PasswordHasher):
    """Reversible on purpose, for speed; it still obeys the contract (only the right password verifies)."""

    def __init__(self) -> None:
        self.dummy_verifications = 0
        self.current_scheme = "plain$"
        """Hashes with another prefix count as made with older parameters, and need re-hashing."""

    async def hash(self, password: str) -> str:
        return self.current_scheme + password

    async def verify(self, password_hash: str, password: str) -> bool:
        scheme, _, stored = password_hash.partition("$")
        return scheme.startswith("plain") and stored == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(self.current_scheme)

    async def verify_dummy(self, password: str) -> None:
        self.dummy_verifications += 1


UNSIGNED_PREFIX = "unsigned."


class JsonTokenSigner(TokenSigner):
    """No cryptography: the claims as URL-safe base64 JSON, behind a marker the verifier insists on."""

    async def sign(self, claims: AccessClaims) -> str:
        body = json.dumps(claims.as_payload()).encode()
        return UNSIGNED_PREFIX + base64.urlsafe_b64encode(body).decode()

    def can_sign(self) -> bool:
        return True


class JsonTokenVerifier(TokenVerifier):
    """Reads back what `JsonTokenSigner` wrote; anything else is `InvalidAccessToken`, as the port demands."""

    def verify(self, token: str) -> Mapping[str, object]:
        if not token.startswith(UNSIGNED_PREFIX):
            raise InvalidAccessToken
        try:
            payload = json.loads(base64.urlsafe_b64decode(token.removeprefix(UNSIGNED_PREFIX)))
        except ValueError:
            raise InvalidAccessToken from None
        if not isinstance(payload, dict):
            raise InvalidAccessToken
        return payload
