"""The claims of an access token, and the exact rules a presented token's claims must meet."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.claim_values import claim_number, claim_uuid
from domain.custom_claims import NO_CLAIMS, RESERVED_NAMES, CustomClaims
from domain.errors import InvalidAccessToken, InvalidClaims
from domain.policy import TokenPolicy
from domain.sessions import Session
from domain.users import User

ACCESS_TOKEN_TYPE = "at+jwt"
MAX_TOKEN_LENGTH = 4096
"""No token tessera accepts is longer, access or refresh, in a header, a cookie or a body: longer input is
refused before any parsing or cryptography. tessera's own tokens are well under 1 KiB."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    iss: str
    aud: str
    sub: UUID
    exp: int
    iat: int
    jti: UUID
    sid: UUID
    roles: tuple[str, ...]
    custom: CustomClaims = NO_CLAIMS
    """The user's own claims, beside tessera's: never one of `RESERVED_NAMES`, so never shadowing them."""

    def as_payload(self) -> dict[str, object]:
        return {
            **self.custom.as_dict(),
            "iss": self.iss,
            "aud": self.aud,
            "sub": str(self.sub),
            "exp": self.exp,
            "iat": self.iat,
            "jti": str(self.jti),
            "sid": str(self.sid),
            "roles": list(self.roles),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, object], policy: TokenPolicy, now: datetime) -> "AccessClaims":
        """Accept a signature-checked payload only if every claim holds exactly.

        `iss` by equality, never by prefix; `aud` equal to ours or a list containing it; `exp` and
        `iat` numbers (a bool or a string is refused), `exp` not passed and `iat` not in the future
        beyond the policy's leeway; `sub`, `jti` and `sid` present and UUIDs.
        """
        claims, validity = cls.timeless_from_payload(payload, policy)
        if not validity.holds_at(now.timestamp(), policy.leeway.total_seconds()):
            raise InvalidAccessToken
        return claims

    @classmethod
    def timeless_from_payload(
        cls, payload: Mapping[str, object], policy: TokenPolicy
    ) -> tuple["AccessClaims", "Validity"]:
        """Every rule that does not depend on the clock, and the time claims left to judge at each moment.

        The result depends on the payload and the policy alone, so it may be remembered for a token
        whose signature holds; `Validity.holds_at` must still be asked on every use."""
        if payload.get("iss") != policy.issuer:
            raise InvalidAccessToken
        aud = payload.get("aud")
        if not (aud == policy.audience or (isinstance(aud, list) and policy.audience in aud)):
            raise InvalidAccessToken
        exp, iat = claim_number(payload, "exp"), claim_number(payload, "iat")
        nbf = claim_number(payload, "nbf") if "nbf" in payload else None
        roles = payload.get("roles", [])
        if not isinstance(roles, list) or (roles and not all(isinstance(role, str) for role in roles)):
            raise InvalidAccessToken
        claims = cls(
            iss=policy.issuer,
            aud=policy.audience,
            sub=claim_uuid(payload, "sub"),
            exp=int(exp),
            iat=int(iat),
            jti=claim_uuid(payload, "jti"),
            sid=claim_uuid(payload, "sid"),
            roles=tuple(roles),
            custom=_custom(payload),
        )
        return claims, Validity(exp, iat, nbf)


@dataclass(frozen=True, slots=True)
class Validity:
    """A token's time claims as presented (`exp`, `iat`, optional `nbf`), judged against a moment."""

    exp: float
    iat: float
    nbf: float | None

    def holds_at(self, moment: float, leeway: float) -> bool:
        """`exp` not passed, `iat` and `nbf` not in the future, each beyond `leeway` seconds."""
        return (
            self.exp > moment - leeway
            and self.iat <= moment + leeway
            and (self.nbf is None or self.nbf <= moment + leeway)
        )


def _custom(payload: Mapping[str, object]) -> CustomClaims:
    """The payload's other claims, as the user's own; a token whose extras break the rules is refused."""
    extra = {name: value for name, value in payload.items() if name not in RESERVED_NAMES}
    if not extra:
        return NO_CLAIMS
    try:
        return CustomClaims.parse(extra)
    except InvalidClaims:
        raise InvalidAccessToken from None


def access_claims_for(user: User, session: Session, *, jti: UUID, now: datetime, policy: TokenPolicy) -> AccessClaims:
    """An access token lives one `access_ttl`, but never past its session's absolute end: a session
    that may not be refreshed any more must not go on through the token its last refresh handed out.
    `exp` is in whole seconds, so the end is rounded down (a token ends at, or just before, its session)."""
    issued_at = int(now.timestamp())
    return AccessClaims(
        iss=policy.issuer,
        aud=policy.audience,
        sub=user.id,
        exp=min(issued_at + int(policy.access_ttl.total_seconds()), math.floor(session.expires_at.timestamp())),
        iat=issued_at,
        jti=jti,
        sid=session.id,
        roles=user.roles,
        custom=policy.custom_claim_names.issued(user.claims),
    )
