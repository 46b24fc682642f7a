"""Throttling of failed logins, password-reset requests and registrations: fixed windows per key,
counted in shared storage so that the limits hold across replicas.

Failed logins are counted three ways. The tight limit is per account *and* client address: it stops
guessing one account's password from one address, and locks that address out of that account only,
so that an attacker cannot lock the owner out from elsewhere. The account's limit across all
addresses is much higher: one address adds at most its own tight limit to it in a window (two of its
windows can overlap one of the account's, hence the rule below), so only a guess spread over many
addresses reaches it, and is then refused to every network the account has not logged in from (the
owner where they have logged in before is still heard, under the tight limit: `LoginThrottle`).
The per-address limit across accounts slows one address stuffing many accounts.

Password-reset requests are counted per client network first, whatever email they name: past that
limit they are refused (429), so that one address cannot mail many inboxes. Within it, they are
counted per email, registered or not (so the count tells nothing): past that limit they are answered
as before and mail nothing, so that nobody can flood one inbox from many addresses.

Every count by client address is by its network (`domain.client_networks`: an IPv6 /64).

Registrations are counted per client address before the password is hashed: each costs an argon2id
hash, and each answer tells whether an email is taken."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta


class ThrottleLetsOneAddressLockOut(ValueError):
    """The account's limit is within reach of one address: at most twice the per-(account, address)
    limit can fall into one account window from a single address."""


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    max_failures_per_account_address: int = 5
    max_failures_per_account: int = 50
    max_failures_per_address: int = 50
    window: timedelta = timedelta(minutes=15)
    max_password_resets_per_account: int = 3
    """Reset mails one email address receives per `window`; more requests are answered alike and mail nothing."""
    max_password_resets_per_address: int = 10
    """Reset requests one client network may make per `window`, for any emails; more are refused."""
    max_registrations_per_address: int = 10
    registration_window: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.max_failures_per_account <= 2 * self.max_failures_per_account_address:
            raise ThrottleLetsOneAddressLockOut

    @property
    def longest_window(self) -> timedelta:
        """After it, no counter of any kind can matter: what purging waits for."""
        return max(self.window, self.registration_window)


@dataclass(frozen=True, slots=True)
class FailureCount:
    failures: int
    window_started_at: datetime


def throttle_key(kind: str, value: str) -> str:
    """What is stored instead of an email or an address: a digest. It keeps them out of plain sight,
    not anonymous: the IPv4 space is small enough to hash in full."""
    return hashlib.sha256(f"tessera/throttle/{kind}\x00{value}".encode()).hexdigest()


def account_address_key(email: str, address: str | None) -> str:
    """Clients whose address is unknown share one count per account."""
    return throttle_key("account-address", f"{email}\x00{address or ''}")


def wait_before_next_attempt(
    count: FailureCount | None, limit: int, window: timedelta, now: datetime
) -> timedelta | None:
    """None while attempts are allowed; otherwise how long until the window that filled up ends."""
    if count is None or count.failures < limit:
        return None
    ends = count.window_started_at + window
    return ends - now if now < ends else None
