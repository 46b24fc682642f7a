import anyio
import anyio.to_thread
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from adapters.crypto.foreign_password_hashes import verify_foreign
from application.ports.password_hasher import PasswordHasher
from domain.password_hashes import HashFormat, hash_format


class Argon2PasswordHasher(PasswordHasher):
    """argon2id on worker threads, at most `concurrency` hashes at a time.

    Hashes imported from another system (`domain.password_hashes`) verify too, with their own
    algorithm; `needs_rehash` is true for them, so the first login stores argon2id instead. A user
    without a password (or with a hash in no known format) verifies nothing, as slowly as a mismatch.

    A hash is meant to take a core for a while. Run unbounded, a login storm would take every core
    and stall the requests that only check a token; bounded (by default one core fewer than the
    machine has), logins queue among themselves and the event loop keeps a core.
    """

    def __init__(
        self, time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 1, concurrency: int = 1
    ) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism, type=Type.ID
        )
        self._dummy_hash = self._argon2.hash("tessera dummy password, never a real one")
        self._concurrency = concurrency
        self._limiter: anyio.CapacityLimiter | None = None

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._argon2.hash, password, limiter=self._bounded())

    async def verify(self, password_hash: str, password: str) -> bool:
        return await anyio.to_thread.run_sync(self._verify_sync, password_hash, password, limiter=self._bounded())

    def _bounded(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # made on first use, inside the event loop it will serve
            self._limiter = anyio.CapacityLimiter(self._concurrency)
        return self._limiter

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    async def verify_dummy(self, password: str) -> None:
        await anyio.to_thread.run_sync(self._verify_sync, self._dummy_hash, password, limiter=self._bounded())

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        format_ = hash_format(password_hash)
        if format_ is None:
            self._verify_argon2(self._dummy_hash, password)
            return False
        if format_ is not HashFormat.ARGON2:
            return verify_foreign(format_, password_hash, password)
        return self._verify_argon2(password_hash, password)

    def _verify_argon2(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
