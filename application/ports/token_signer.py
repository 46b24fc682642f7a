from abc import abstractmethod
from typing import Protocol

from domain.claims import AccessClaims


class TokenSigner(Protocol):
    @abstractmethod
    async def sign(self, claims: AccessClaims) -> str:
        """A compact JWS of the claims, typed `at+jwt`, naming the signing key by `kid`;
        `application.errors.NoSigningKey` while no key can sign. Awaited: a signature is a private-key
        operation (RS256's takes a fifth of a millisecond or more), which an adapter may run off the
        event loop so that the requests queued behind it are served meanwhile."""

    @abstractmethod
    def can_sign(self) -> bool:
        """Whether a key to sign with is loaded now (readiness)."""
