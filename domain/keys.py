"""The signing key set over time: which key signs now, and which keys every verifier must know.

A new key is published before it signs (so that every replica and downstream cache has it when
the first token signed by it arrives), and an old key stays published until every token it can
have signed has expired. A withdrawn key (compromise) is dropped at once.
"""

from dataclasses import dataclass
from datetime import datetime

from domain.policy import TokenPolicy


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
