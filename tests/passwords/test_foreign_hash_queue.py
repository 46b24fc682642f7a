"""Verifications of imported hashes queue apart from tessera's own argon2id: however many attempts at
imported accounts hold the foreign slots, a native user's password still verifies."""

import threading

import anyio
import pytest
from werkzeug.security import generate_password_hash

import adapters.crypto.argon2_password_hasher as hasher_module
from tests.support.argon2 import cheap_hasher

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery"


async def test_a_native_users_password_verifies_while_foreign_verifications_hold_every_foreign_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each foreign verification holds its thread until the test lets them go, so what overlaps is
    decided by the hasher's bounds alone, never by how busy the machine is."""
    hasher = cheap_hasher(foreign_concurrency=2)
    native = await hasher.hash(PASSWORD)
    imported = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    entered = 0
    changed = threading.Condition()
    let_go = threading.Event()
    real_verify_foreign = hasher_module.verify_foreign

    def held_verify_foreign(*arguments: str) -> bool:
        nonlocal entered
        with changed:
            entered += 1
            changed.notify_all()
        let_go.wait(timeout=30)
        return real_verify_foreign(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(hasher_module, "verify_foreign", held_verify_foreign)
    results: list[bool] = []

    async def attempt_imported() -> None:
        results.append(await hasher.verify(imported, PASSWORD))

    def two_entered() -> bool:
        with changed:
            return changed.wait_for(lambda: entered == 2, timeout=10)

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(attempt_imported)
        try:
            assert await anyio.to_thread.run_sync(two_entered)
            with anyio.fail_after(30):
                assert await hasher.verify(native, PASSWORD)
                assert not await hasher.verify(native, PASSWORD + "!")
                await hasher.verify_dummy(PASSWORD)
            assert (entered, results) == (2, [])  # both foreign slots still held, the third attempt queued
        finally:
            let_go.set()

    assert (entered, results) == (3, [True, True, True])
