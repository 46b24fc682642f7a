"""`tessera keys list | rotate | retire`: the shared signing keys, managed from any machine that
has the database URL and the key-encryption key."""

import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from dishka import AsyncContainer

from application.use_cases.manage_signing_keys import ManageSigningKeys
from domain.errors import DomainError
from entrypoints.ioc.container import in_one_request
from entrypoints.settings.config import Settings
from entrypoints.settings.environment import ConfigError

T = TypeVar("T")


def run_key_command(settings: Settings, command: str, *, now: bool = False, kid: str | None = None) -> int:
    try:
        if command == "list":
            return _list(settings)
        if command == "rotate":
            timings = settings.key_timings()
            delay = timedelta(0) if now else timings.propagation
            if not now and not timings.reaches_every_verifier(delay):
                print(
                    f"tessera: warning: a propagation delay of {delay} is shorter than the key reload interval "
                    f"plus the JWKS cache lifetime ({timings.reload + timings.jwks_lifetime}): a replica or a "
                    "downstream verifier may see a token signed by the new key before it knows the key",
                    file=sys.stderr,
                )
            record = _with_keys(settings, lambda keys: keys.rotate(settings.signing_alg, delay))
            print(f"tessera: new key {record.kid} is published now and signs from {record.signs_from.isoformat()}")
            return 0
        assert kid is not None
        _with_keys(settings, lambda keys: keys.withdraw(kid))
        print(f"tessera: key {kid} is withdrawn; replicas drop it within {settings.key_reload}")
        return 0
    except DomainError as error:
        print(f"tessera: {error.message}", file=sys.stderr)
        return 1


def require_shared_keys(settings: Settings) -> None:
    """`keys` commands manage the keys in the database: without a key-encryption key there are none there."""
    if settings.key_encryption_key is None:
        raise ConfigError(
            "KEY_ENCRYPTION_KEY",
            "is not set: keys live in the database only when it (or _FILE) is set; "
            "with TESSERA_SIGNING_KEY_FILE, rotate by replacing the file",
        )


def _list(settings: Settings) -> int:
    statuses = _with_keys(settings, lambda keys: keys.statuses())
    print(f"{'KID':<45} {'ALG':<8} {'STATE':<10} {'SIGNS FROM':<26} PUBLISHED UNTIL")
    for status in statuses:
        until = "-" if status.published_until is None else status.published_until.isoformat(timespec="seconds")
        signs = status.signs_from.isoformat(timespec="seconds")
        print(f"{status.kid:<45} {status.alg:<8} {status.state:<10} {signs:<26} {until}")
    return 0


def _with_keys(settings: Settings, work: Callable[[ManageSigningKeys], Awaitable[T]]) -> T:
    async def manage(request: AsyncContainer) -> T:
        return await work(await request.get(ManageSigningKeys))

    return in_one_request(settings, manage)
