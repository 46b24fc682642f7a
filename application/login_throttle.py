"""The login throttle has one home: every check of a password against an account (a login, a password
change) is counted and refused by the same rules (see `domain.throttling`)."""

import math
from dataclasses import dataclass
from datetime import datetime

from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from domain.errors import LoginThrottled
from domain.events import EventKind, SecurityEvent
from domain.throttling import ThrottlePolicy, account_address_key, throttle_key, wait_before_next_attempt


@dataclass(frozen=True, slots=True)
class ThrottleKeys:
    """The counters one attempt touches: per (account, address), per account, per address if known."""

    pair: str
    account: str
    limits: dict[str, int]
    address: str | None


class LoginThrottle:
    """A failure counts towards the account's limit only while its (account, address) count is within
    its own limit, so that one address, however many attempts it sends at once, cannot fill the
    account's. A success clears the account's counts (in the caller's unit of work)."""

    def __init__(self, uow: UnitOfWork, throttling: ThrottlePolicy, events: SecurityEvents) -> None:
        self._uow = uow
        self._throttling = throttling
        self._events = events

    def keys(self, email: str, address: str | None) -> ThrottleKeys:
        email = email.strip().lower()
        pair, account = account_address_key(email, address), throttle_key("account", email)
        limits = {
            pair: self._throttling.max_failures_per_account_address,
            account: self._throttling.max_failures_per_account,
        }
        if address:
            limits[throttle_key("address", address)] = self._throttling.max_failures_per_address
        return ThrottleKeys(pair, account, limits, address)

    async def refuse_if_throttled(self, keys: ThrottleKeys, now: datetime) -> None:
        """`LoginThrottled` past any limit, until its window ends (the right password included)."""
        async with self._uow as uow:
            waits = [
                wait_before_next_attempt(await uow.login_failures.get(key), limit, self._throttling.window, now)
                for key, limit in keys.limits.items()
            ]
        longest = max((wait for wait in waits if wait is not None), default=None)
        if longest is not None:
            self._events.emit(SecurityEvent(EventKind.LOGIN_THROTTLED, client_address=keys.address))
            raise LoginThrottled(retry_after_seconds=max(1, math.ceil(longest.total_seconds())))

    async def record_failure(self, keys: ThrottleKeys, now: datetime) -> None:
        window = self._throttling.window
        async with self._uow as uow:
            from_this_address = await uow.login_failures.record(keys.pair, now, window)
            for key in keys.limits.keys() - {keys.pair, keys.account}:
                await uow.login_failures.record(key, now, window)
            if from_this_address.failures <= keys.limits[keys.pair]:
                await uow.login_failures.record(keys.account, now, window)
            await uow.commit()

    @staticmethod
    async def clear(uow: UnitOfWork, keys: ThrottleKeys) -> None:
        await uow.login_failures.clear(keys.pair)
        await uow.login_failures.clear(keys.account)
