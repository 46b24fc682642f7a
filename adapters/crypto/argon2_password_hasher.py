import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from adapters.crypto.foreign_password_hashes import verify_foreign
from adapters.crypto.verification_floor import VerificationFloor
from application.ports.password_hasher import PasswordHasher
from domain.imported_password_hashes import within_bounds
from domain.password_hashes import HashFormat, hash_format, hash_parameters

_NATIVE = "tessera argon2id"
"""The cost class of tessera's own hashes, and of the dummy verification (the same argon2id work)."""
HASHING_NICENESS = 10
"""How much lower than the event loop's the hashing threads' scheduling priority is (Linux `nice`, per
thread): where the cores are all busy, the kernel runs the loop's requests first and the hash after."""
T = TypeVar("T")


def lower_this_threads_priority() -> None:
    """The calling thread's niceness raised by `HASHING_NICENESS` (best effort: where threads have no
    priority of their own, or it cannot be changed, the hash runs as it would have)."""
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + HASHING_NICENESS)


class Argon2PasswordHasher(PasswordHasher):
    """argon2id on worker threads: at most `concurrency` native hashes at a time, and apart from them
    at most `foreign_concurrency` verifications of hashes made elsewhere (or with older parameters).

    Hashes imported from another system (`domain.password_hashes`) verify too, with their own
    algorithm; `needs_rehash` is true for them, so the first login stores argon2id instead. A user
    without a password, or with a hash in no known format or outside its format's bounds (stored
    before the bounds existed), verifies nothing, after a dummy argon2id verification.

    A hash is meant to take a core for a while. Run unbounded, a login storm would take every core
    and stall the requests that only check a token; bounded (by default one core fewer than the
    machine has), logins queue among themselves and the event loop keeps a core. The hashing threads
    are this adapter's own, at a lower priority than the loop (`HASHING_NICENESS`): when other work
    (another worker, the load balancer, a client on the same host) takes the loop's core too, the
    kernel runs the loop's requests before the hashes. Foreign hashes have
    their own queue: their cost is the other system's choice (up to the bounds of
    `domain.imported_password_hashes`, about half a second), and unauthenticated attempts at imported
    accounts must not starve the logins of tessera's own users.

    A failed verification, and a dummy one, is padded (asleep, holding no thread) up to the slowest
    cost class this process has timed (`VerificationFloor`): an unknown email, a native user's wrong
    password and an imported user's take alike long. A success is not padded: only the password's
    holder sees it.

    The parameters are the configuration's (`LoginSettings`, entrypoints/settings/logins.py), which
    declares their defaults once: this adapter has none of its own."""

    def __init__(
        self,
        *,
        time_cost: int,
        memory_cost_kib: int,
        parallelism: int,
        concurrency: int,
        foreign_concurrency: int,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism, type=Type.ID
        )
        self._dummy_hash = self._argon2.hash("tessera dummy password, never a real one")
        self._concurrency = concurrency
        self._foreign_concurrency = foreign_concurrency
        self._pools: tuple[ThreadPoolExecutor, ThreadPoolExecutor] | None = None
        self._monotonic = monotonic
        self._sleep = sleep
        self._floor = VerificationFloor()

    async def hash(self, password: str) -> str:
        return await self._on_thread(self._argon2.hash, password, foreign=False)

    async def verify(self, password_hash: str, password: str) -> bool:
        foreign = hash_format(password_hash) is not None and self.needs_rehash(password_hash)
        cost_class, verified, seconds = await self._on_thread(
            self._timed_verify, password_hash, password, foreign=foreign
        )
        self._floor.record(cost_class, seconds)
        if not verified:
            await self._pad(seconds)
        return verified

    async def verify_dummy(self, password: str) -> None:
        cost_class, _, seconds = await self._on_thread(self._timed_verify, self._dummy_hash, password, foreign=False)
        self._floor.record(cost_class, seconds)
        await self._pad(seconds)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    async def _on_thread(self, work: Callable[..., T], *args: str, foreign: bool) -> T:
        """`work` on one of the native or the foreign hashing threads, in the order asked (first come,
        first served); the awaiting request waits for it, like every other step of its work."""
        if self._pools is None:  # made on first use: a process that never hashes starts no thread
            self._pools = (
                ThreadPoolExecutor(self._concurrency, "argon2id", initializer=lower_this_threads_priority),
                ThreadPoolExecutor(self._foreign_concurrency, "foreign-hash", initializer=lower_this_threads_priority),
            )
        return await asyncio.get_running_loop().run_in_executor(self._pools[1 if foreign else 0], work, *args)

    async def _pad(self, seconds: float) -> None:
        shortfall = self._floor.shortfall(seconds)
        if shortfall > 0:
            await self._sleep(shortfall)

    def _timed_verify(self, password_hash: str, password: str) -> tuple[Hashable, bool, float]:
        """The hash's cost class, whether the password verifies, and how long the work took (its
        queueing excluded: that depends on other logins, not on this account)."""
        started = self._monotonic()
        cost_class, verified = self._verify_sync(password_hash, password)
        return cost_class, verified, self._monotonic() - started

    def _verify_sync(self, password_hash: str, password: str) -> tuple[Hashable, bool]:
        format_ = hash_format(password_hash)
        if format_ is HashFormat.ARGON2 and not self.needs_rehash(password_hash):
            return _NATIVE, self._verify_argon2(password_hash, password)
        if format_ is None or not within_bounds(password_hash):
            self._verify_argon2(self._dummy_hash, password)
            return _NATIVE, False
        parameters = hash_parameters(format_, password_hash)
        parameters.pop("checksum_bytes", None)
        return (format_, *sorted(parameters.items())), verify_foreign(format_, password_hash, password)

    def _verify_argon2(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
