"""A read-only copy of the database and a refresh token that was spent long ago are each worthless by
design (hashes only; reuse detection). Together they must give nothing either: the sealed successors
that a spent row keeps for the grace window must not lead an attacker down the chain to the live token."""

import hashlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from tests.support.flows import Client, log_in, register
from tests.support.http import settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]


@pytest.fixture
async def sqlite_client(sqlite_url: str, tmp_path: Path) -> AsyncIterator[tuple[Client, Path]]:
    async with AsyncTestClient(create_app(settings_for_tests(sqlite_url, tmp_path))) as client:
        yield client, tmp_path / "tessera.db"


def _follow_the_chain(database: Path, spent_secret: str) -> list[str]:
    """What an attacker computes from a dump: every successor the seals give away, oldest first,
    unsealing with anything the dump and the spent token hold (the public pad of each secret)."""
    dump = sqlite3.connect(database)
    found, secret = [], spent_secret
    while True:
        digest = hashlib.sha256(secret.encode()).hexdigest()
        row = dump.execute("SELECT sealed_successor FROM refresh_tokens WHERE token_hash = ?", (digest,)).fetchone()
        if row is None or row[0] is None:
            return found
        sealed = bytes.fromhex(row[0])
        pad = hashlib.shake_256(b"tessera/successor-seal/v1\x00" + secret.encode()).digest(len(sealed))
        try:
            secret = bytes(a ^ b for a, b in zip(sealed, pad, strict=True)).decode("ascii")
        except UnicodeDecodeError:
            return found
        found.append(secret)


async def test_a_dump_and_a_spent_refresh_token_do_not_lead_to_the_live_one(
    sqlite_client: tuple[Client, Path],
) -> None:
    client, database = sqlite_client
    await register(client)
    first = (await log_in(client))["refresh_token"]
    second = (await client.post("/auth/refresh", json={"refresh_token": first})).json()["refresh_token"]
    live = (await client.post("/auth/refresh", json={"refresh_token": second})).json()["refresh_token"]

    stolen = _follow_the_chain(database, first)

    assert live not in stolen
    assert second not in stolen
    for guess in stolen:
        answer = await client.post("/auth/refresh", json={"refresh_token": guess})
        assert answer.status_code == 401
