from abc import abstractmethod
from collections.abc import Mapping
from typing import Protocol

from application.results import Principal
from domain.claims import AccessClaims, Validity
from domain.policy import TokenPolicy


class TokenVerifier(Protocol):
    @abstractmethod
    def verify(self, token: str) -> Mapping[str, object]:
        """The payload of a token whose header and signature hold, or `InvalidAccessToken`.

        The algorithm is pinned by the server, the key is taken only from the local key set by
        `kid`, and the header must say `typ: at+jwt`. The claims are the domain's to judge.
        """

    def verified_claims(self, token: str, policy: TokenPolicy) -> tuple[AccessClaims, Validity]:
        """The token's claims judged by the domain's clock-free rules; its time claims are the caller's
        to judge at each moment. A caching adapter may remember the answer for the exact token."""
        return AccessClaims.timeless_from_payload(self.verify(token), policy)

    def verified_principal(self, token: str, policy: TokenPolicy) -> tuple[Principal, Validity]:
        """Who the token speaks for, from its claims judged as `verified_claims` judges them, and its time
        claims. A caching adapter may remember the principal too: a frozen value, the same for every request."""
        claims, validity = self.verified_claims(token, policy)
        return Principal.of(claims), validity
