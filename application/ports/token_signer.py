from abc import abstractmethod
from typing import Protocol

from domain.claims import AccessClaims


class TokenSigner(Protocol):
    @abstractmethod
    async def sign(self, claims: AccessClaims) -> str:
        """A compact JWS of the claims, typed `at+jwt`, naming the signing key by `kid`;
        `application.errors.NoSigningKey` while no key can sign. Awaited, so that an adapter may sign
        elsewhere (a key in a KMS or an HSM) without holding up the event loop."""

    @abstractmethod
    def can_sign(self) -> bool:
        """Whether a key to sign with is loaded now (readiness)."""
