"""A user's own claims, carried in their access tokens: what a server-side session used to hold."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from domain.errors import ClaimNameNotAllowed, InvalidClaims

MAX_ENCODED_BYTES = 1024

# Names a token or an introspection answer already gives a meaning to: the JWT registered claims
# (RFC 7519), those of JWT access tokens, OpenID Connect and token exchange (RFC 9068, 8693), those
# of an introspection answer (RFC 7662), and tessera's own. A custom claim may never shadow one,
# so that no verifier can be led to read a user's claim as the issuer's.
RESERVED_NAMES = frozenset(
    {
        *("iss", "sub", "aud", "exp", "nbf", "iat", "jti"),
        *("sid", "roles", "typ", "cty", "kid", "alg", "client_id", "scope", "auth_time", "acr", "amr"),
        *("azp", "nonce", "at_hash", "c_hash", "cnf", "act", "may_act", "groups", "entitlements"),
        *("active", "token_type", "username", "claims"),
    }
)


@dataclass(frozen=True, slots=True)
class CustomClaims:
    """A JSON object of at most 1 KiB (UTF-8, compact), whose names are none of `RESERVED_NAMES`.

    Kept as its canonical encoding (sorted keys), so it compares, hashes and stores as one string."""

    encoded: str = "{}"

    @classmethod
    def parse(cls, value: object) -> "CustomClaims":
        """From a decoded JSON value; `InvalidClaims` unless it is an object that meets the rules."""
        if not isinstance(value, Mapping) or not all(isinstance(name, str) for name in value):
            raise InvalidClaims("The claims must be a JSON object.")
        reserved = sorted(name for name in value if name in RESERVED_NAMES)
        if reserved:
            raise InvalidClaims(f"These claim names are reserved: {', '.join(reserved)}.")
        if any(not name for name in value):
            raise InvalidClaims("A claim name may not be empty.")
        try:
            encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            raise InvalidClaims("The claims must be plain JSON values.") from None
        if len(encoded.encode()) > MAX_ENCODED_BYTES:
            raise InvalidClaims(f"The claims may take at most {MAX_ENCODED_BYTES} bytes encoded.")
        return cls(encoded)

    @classmethod
    def decode(cls, encoded: str) -> "CustomClaims":
        """From text that `parse` produced and storage kept: checked again, never trusted blindly."""
        try:
            return cls.parse(json.loads(encoded))
        except ValueError:
            raise InvalidClaims("The claims must be a JSON object.") from None

    def as_dict(self) -> Mapping[str, object]:
        """A read-only view: a token's claims may be shared by every request that shows it."""
        decoded: dict[str, object] = json.loads(self.encoded)
        return MappingProxyType(decoded)

    def __bool__(self) -> bool:
        return self.encoded != "{}"


NO_CLAIMS = CustomClaims()


@dataclass(frozen=True, slots=True)
class AllowedClaimNames:
    """The custom claim names a deployment allows (TESSERA_CUSTOM_CLAIM_NAMES); `names=None`: every name
    that is not reserved.

    Downstream services often trust a claim by its name alone (`email_verified`, `scp`, `permissions`,
    `tenant_admin`) without asking who set it: the list keeps users' claims to the names the operator
    meant. Claims outside it are refused when set (`check`). Claims stored before the list was set stay
    stored, since nothing is lost and clearing the list brings them back, but they are never issued
    (`issued`): neither access tokens nor the profile carry them."""

    names: frozenset[str] | None = None

    def check(self, claims: CustomClaims) -> None:
        """`ClaimNameNotAllowed`, naming every refused name, unless all of `claims` are allowed."""
        if self.names is None:
            return
        refused = sorted(set(claims.as_dict()) - self.names)
        if refused:
            raise ClaimNameNotAllowed(f"These claim names are not allowed on this server: {', '.join(refused)}.")

    def issued(self, claims: CustomClaims) -> CustomClaims:
        """The part of stored `claims` that may be issued: all of it without a list (no work on that path)."""
        if self.names is None or not claims:
            return claims
        stored = claims.as_dict()
        kept = {name: value for name, value in stored.items() if name in self.names}
        return claims if len(kept) == len(stored) else CustomClaims.parse(kept)


ANY_CLAIM_NAME = AllowedClaimNames()
