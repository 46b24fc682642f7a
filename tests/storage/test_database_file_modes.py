"""A SQLite database holds password hashes, refresh-token hashes and sealed keys: its file, and the `-wal`
and `-shm` files SQLite makes beside it, are readable by their owner only, whatever the umask."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.cli.main import main
from entrypoints.http.app import create_app
from tests.support.flows import register
from tests.support.http import settings_for_tests

pytestmark = pytest.mark.app


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual umask (022), under which a file made without an explicit mode is world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(directory: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in directory.glob("tessera.db*")}


def test_db_upgrade_creates_the_database_readable_by_its_owner_only(
    permissive_umask: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'tessera.db'}")

    assert main(["db", "upgrade"]) == 0

    found = modes(tmp_path / "data")
    assert "tessera.db" in found
    assert found == dict.fromkeys(found, 0o600)


@pytest.fixture
def upgraded(permissive_umask: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A new SQLite database, made by `tessera db upgrade`: its URL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tessera.db'}"
    monkeypatch.setenv("TESSERA_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    return url


@pytest.mark.anyio
async def test_serving_and_writing_keeps_the_database_and_its_wal_and_shm_files_private(
    upgraded: str, tmp_path: Path
) -> None:
    async with AsyncTestClient(create_app(settings_for_tests(upgraded, tmp_path / "keys"))) as client:
        await register(client)
        while_serving = modes(tmp_path)

    assert set(while_serving) == {"tessera.db", "tessera.db-wal", "tessera.db-shm"}
    assert while_serving == dict.fromkeys(while_serving, 0o600)
    assert modes(tmp_path) == dict.fromkeys(modes(tmp_path), 0o600)
