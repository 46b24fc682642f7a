"""The signing key set over time: which key signs now, and which keys every verifier must know.

A new key is published before it signs (so that every replica and downstream cache has it when
the first token signed by it arrives), and an old key stays published until every token it can
have signed has expired. A withdrawn key (compromise) is dropped at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.key_errors import JwksOutlivesPropagation
from domain.policy import TokenPolicy

JWKS_MAX_AGE_CAP = timedelta(seconds=300)
"""The longest a derived JWKS max-age may be, however long the propagation delay."""


class KeyState(StrEnum):
    PENDING = "pending"
    """Published, not yet signing."""
    SIGNING = "signing"
    VERIFYING = "verifying"
    """Superseded, still published for the tokens it signed."""
    RETIRED = "retired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class SigningKeyRecord:
    kid: str
    alg: str
    public_jwk: str
    """The public JWK, as JSON."""
    sealed_private_jwk: str
    """The private JWK, encrypted under the deployment's key-encryption key; never stored in clear."""
    created_at: datetime
    signs_from: datetime
    withdrawn_at: datetime | None = None


def signing_key(records: list[SigningKeyRecord], now: datetime) -> SigningKeyRecord | None:
    """The newest key whose signing has begun and that is not withdrawn."""
    started = [r for r in records if r.withdrawn_at is None and r.signs_from <= now]
    return max(started, key=lambda r: (r.signs_from, r.created_at), default=None)


def superseded_at(record: SigningKeyRecord, records: list[SigningKeyRecord], now: datetime) -> datetime | None:
    """When a newer key took over from this one, if one has."""
    return min(
        (
            other.signs_from
            for other in records
            if other.withdrawn_at is None and record.signs_from < other.signs_from <= now
        ),
        default=None,
    )


def published_keys(records: list[SigningKeyRecord], now: datetime, policy: TokenPolicy) -> list[SigningKeyRecord]:
    """Pending keys, the signing key, and superseded keys until their last token has expired."""
    published = []
    for record in records:
        if record.withdrawn_at is not None:
            continue
        handed_over = superseded_at(record, records, now)
        if handed_over is None or now < handed_over + policy.revocation_window:
            published.append(record)
    return published


@dataclass(frozen=True, slots=True)
class KeyStatus:
    kid: str
    alg: str
    state: KeyState
    signs_from: datetime
    published_until: datetime | None


def key_statuses(records: list[SigningKeyRecord], now: datetime, policy: TokenPolicy) -> list[KeyStatus]:
    """Each key's state now, and until when it is published once a newer key has taken over."""
    current = signing_key(records, now)
    published = {r.kid for r in published_keys(records, now, policy)}
    statuses = []
    for record in records:
        handed_over = superseded_at(record, records, now)
        until = None if handed_over is None else handed_over + policy.revocation_window
        if record.withdrawn_at is not None:
            state, until = KeyState.WITHDRAWN, record.withdrawn_at
        elif current is not None and record.kid == current.kid:
            state = KeyState.SIGNING
        elif record.signs_from > now:
            state = KeyState.PENDING
        else:
            state = KeyState.VERIFYING if record.kid in published else KeyState.RETIRED
        statuses.append(KeyStatus(record.kid, record.alg, state, record.signs_from, until))
    return statuses


@dataclass(frozen=True, slots=True)
class KeyTimings:
    """A new key is published `propagation` before it signs, and every replica publishes it within
    `reload`: so `reload + JWKS max-age <= propagation` makes every verifier's cache hold the key
    before its first token arrives. A `jwks_max_age` that breaks the rule is refused."""

    propagation: timedelta = timedelta(minutes=6)
    reload: timedelta = timedelta(seconds=5)
    jwks_max_age: timedelta | None = None
    """The JWKS `Cache-Control: max-age` if set; None derives it (see `jwks_lifetime`)."""

    def __post_init__(self) -> None:
        if self.jwks_max_age is not None and self.reload + self.jwks_max_age > self.propagation:
            raise JwksOutlivesPropagation(self.longest_jwks_max_age)

    @property
    def longest_jwks_max_age(self) -> timedelta:
        return max(timedelta(0), self.propagation - self.reload)

    @property
    def jwks_lifetime(self) -> timedelta:
        """How long a verifier may cache the JWKS: as set, or else the most the rule allows, capped."""
        if self.jwks_max_age is not None:
            return self.jwks_max_age
        return min(JWKS_MAX_AGE_CAP, self.longest_jwks_max_age)

    def reaches_every_verifier(self, delay: timedelta) -> bool:
        """Whether a key that signs `delay` after it is published is known everywhere by then."""
        return delay >= self.reload + self.jwks_lifetime
