"""The login throttle has one home: every check of a password against an account (a login, a password
change) is counted and refused by the same rules (see `domain.throttling`)."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.ports.unit_of_work import UnitOfWork
from domain.client_networks import client_network
from domain.errors import LoginThrottled
from domain.events import EventKind, SecurityEvent
from domain.throttling import ThrottlePolicy, account_address_key, throttle_key, wait_before_next_attempt

NO_USER = UUID(int=0)
"""Asked about in place of an unknown email's user, so that both make the same query."""


@dataclass(frozen=True, slots=True)
class ThrottleKeys:
    """The counters one attempt touches: per (account, network), per account, per network if known.
    `limits` holds those that bind every client; the account's own limit is `account_limit`."""

    pair: str
    account: str
    account_limit: int
    limits: dict[str, int]
    address: str | None
    network: str | None


class LoginThrottle:
    """A failure counts towards the account's limit only while its (account, network) count is within
    its own limit, so that one network, however many attempts it sends at once, cannot fill the
    account's.

    Past the account's limit, a client is still heard if its network is one the account has logged in
    from: one of the user's stored sessions (live or ended, until purged) was opened from it. Only its
    password is then checked, under its own (account, network) limit; everyone else is refused without
    a hash. So guesses spread over many networks lock out strangers only, not the owner at home.

    A success clears the (account, network) count, not the account's: the account's count is other
    clients' failures, which the owner's success says nothing about (clearing it would hand a botnet a
    fresh allowance every time the owner logs in)."""

    def __init__(self, uow: UnitOfWork, throttling: ThrottlePolicy) -> None:
        self._uow = uow
        self._throttling = throttling

    def keys(self, email: str, address: str | None) -> ThrottleKeys:
        email = email.strip().lower()
        network = client_network(address) if address else None
        pair = account_address_key(email, network)
        limits = {pair: self._throttling.max_failures_per_account_address}
        if network:
            limits[throttle_key("address", network)] = self._throttling.max_failures_per_address
        account = throttle_key("account", email)
        return ThrottleKeys(pair, account, self._throttling.max_failures_per_account, limits, address, network)

    async def refuse_if_throttled(self, keys: ThrottleKeys, user_id: UUID | None, now: datetime) -> None:
        """`LoginThrottled` past any limit, until its window ends (the right password included); past
        the account's limit only, unless the client's network is one `user_id` has logged in from."""
        async with self._uow as uow:
            await self.refuse_if_throttled_in(uow, keys, user_id, now)

    async def refuse_if_throttled_in(
        self, uow: UnitOfWork, keys: ThrottleKeys, user_id: UUID | None, now: datetime
    ) -> None:
        """`refuse_if_throttled` in the caller's unit of work (a login reads the account in the same
        one): every count the attempt is judged by is read at once."""
        window = self._throttling.window
        counts = await uow.login_failures.get_many([*keys.limits, keys.account])
        waits = [wait_before_next_attempt(counts.get(key), limit, window, now) for key, limit in keys.limits.items()]
        account_wait = wait_before_next_attempt(counts.get(keys.account), keys.account_limit, window, now)
        if account_wait is not None and not await self._is_known(uow, keys, user_id):
            waits.append(account_wait)
        longest = max((wait for wait in waits if wait is not None), default=None)
        if longest is not None:
            self._refuse(uow, keys, longest)

    async def record_failure(self, keys: ThrottleKeys, now: datetime, failure: SecurityEvent) -> None:
        """The failure counted, and `failure` (its audit) recorded in the unit of work that counts it."""
        window = self._throttling.window
        async with self._uow as uow:
            uow.record(failure)
            from_this_network = await uow.login_failures.record(keys.pair, now, window)
            for key in keys.limits.keys() - {keys.pair}:
                await uow.login_failures.record(key, now, window)
            if from_this_network.failures <= keys.limits[keys.pair]:
                await uow.login_failures.record(keys.account, now, window)
            await uow.commit()

    @staticmethod
    async def clear(uow: UnitOfWork, keys: ThrottleKeys) -> None:
        await uow.login_failures.clear(keys.pair)

    @staticmethod
    async def _is_known(uow: UnitOfWork, keys: ThrottleKeys, user_id: UUID | None) -> bool:
        if not keys.network:  # a client without an address is nowhere in particular
            return False
        addresses = await uow.sessions.client_addresses_of_user(user_id or NO_USER)
        return keys.network in {client_network(address) for address in addresses}

    @staticmethod
    def _refuse(uow: UnitOfWork, keys: ThrottleKeys, wait: timedelta) -> None:
        uow.record(SecurityEvent(EventKind.LOGIN_THROTTLED, client_address=keys.address))
        raise LoginThrottled(retry_after_seconds=max(1, math.ceil(wait.total_seconds())))
