"""Failed-login throttling: a fixed window per key, counted in shared storage so that the limit
holds across replicas."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    max_failures_per_account: int = 5
    max_failures_per_address: int = 50
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class FailureCount:
    failures: int
    window_started_at: datetime


def throttle_key(kind: str, value: str) -> str:
    """What is stored instead of an email or an address: a digest. It keeps them out of plain sight,
    not anonymous: the IPv4 space is small enough to hash in full."""
    return hashlib.sha256(f"tessera/throttle/{kind}\x00{value}".encode()).hexdigest()


def wait_before_next_attempt(
    count: FailureCount | None, limit: int, window: timedelta, now: datetime
) -> timedelta | None:
    """None while attempts are allowed; otherwise how long until the window that filled up ends."""
    if count is None or count.failures < limit:
        return None
    ends = count.window_started_at + window
    return ends - now if now < ends else None
