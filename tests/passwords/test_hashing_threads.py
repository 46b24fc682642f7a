"""Hashes run on the adapter's own threads, at a lower scheduling priority than the event loop that
serves the requests, so that a login storm on busy cores delays hashes before it delays requests."""

import os
import threading

import pytest
from argon2 import PasswordHasher as Argon2Hasher
from werkzeug.security import generate_password_hash

import adapters.crypto.argon2_password_hasher as hasher_module
from adapters.crypto.argon2_password_hasher import HASHING_NICENESS
from tests.support.argon2 import cheap_hasher

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not hasattr(os, "setpriority"), reason="threads have no priority of their own here"),
]


def _this_thread() -> tuple[int, int]:
    thread = threading.get_native_id()
    return thread, os.getpriority(os.PRIO_PROCESS, thread)


async def test_native_and_foreign_hashes_run_on_threads_of_lower_priority_than_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, int]] = []
    hash_natively = Argon2Hasher.hash

    def recording_hash(self: Argon2Hasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        seen.append(_this_thread())
        return hash_natively(self, password, salt=salt)

    def recording_foreign(*_: object) -> bool:
        seen.append(_this_thread())
        return True

    hasher = cheap_hasher()
    monkeypatch.setattr(Argon2Hasher, "hash", recording_hash)
    monkeypatch.setattr(hasher_module, "verify_foreign", recording_foreign)
    loop_thread, loop_niceness = _this_thread()

    await hasher.hash("correct horse battery")
    assert await hasher.verify(generate_password_hash("correct horse battery", "pbkdf2:sha256:600000"), "x")

    assert len(seen) == 2 and all(thread != loop_thread for thread, _ in seen)
    assert [niceness for _, niceness in seen] == [min(loop_niceness + HASHING_NICENESS, 19)] * 2
    assert _this_thread() == (loop_thread, loop_niceness)
