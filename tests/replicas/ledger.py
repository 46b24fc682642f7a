"""The stored sessions and refresh-token chains, read straight from PostgreSQL to judge their consistency."""

import asyncio
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

TABLES = ("refresh_tokens", "sessions", "users", "login_failures", "signing_keys")


def query(dsn: str, sql: str, *args: object) -> list[dict[str, Any]]:
    async def run() -> list[dict[str, Any]]:
        connection = await asyncpg.connect(dsn, timeout=10)
        try:
            return [dict(row) for row in await connection.fetch(sql, *args)]
        finally:
            await connection.close()

    return asyncio.run(run())


def empty_every_table(dsn: str) -> None:
    query(dsn, f"TRUNCATE {', '.join(TABLES)} CASCADE")


@dataclass(frozen=True)
class StoredSession:
    id: UUID
    revoked_at: object
    revocation_reason: str | None
    chain: list[str]
    """Token hashes from the login's token to the newest, following successor links."""
    problems: list[str]


def stored_sessions(dsn: str) -> dict[UUID, StoredSession]:
    """Every session with its refresh-token chain, and what is wrong with the chain, if anything:
    one unspent token unless revoked, every spent token's successor stored in the same session, no
    token the successor of two, and every token reachable from the first (the chain never forks)."""
    sessions = query(dsn, "SELECT id, revoked_at, revocation_reason FROM sessions")
    tokens = query(
        dsn,
        "SELECT id, session_id, token_hash, issued_at, rotated_at, successor_id FROM refresh_tokens ORDER BY issued_at",
    )
    found = {}
    for session in sessions:
        own = [t for t in tokens if t["session_id"] == session["id"]]
        by_id = {t["id"]: t for t in own}
        problems = []
        unspent = [t for t in own if t["rotated_at"] is None]
        if session["revoked_at"] is None and len(unspent) != 1:
            problems.append(f"{len(unspent)} unspent refresh tokens")
        successors = [t["successor_id"] for t in own if t["rotated_at"] is not None]
        if None in successors:
            problems.append("a spent token without a successor")
        missing = [s for s in successors if s is not None and s not in by_id]
        if missing:
            problems.append(f"successors not stored in this session: {missing}")
        if len(set(successors)) != len(successors):
            problems.append("a token is the successor of two tokens")
        roots = [t for t in own if t["id"] not in set(successors)]
        chain: list[str] = []
        if len(roots) != 1:
            problems.append(f"{len(roots)} chain starts (a fork or a cycle)")
        else:
            token: dict[str, Any] | None = roots[0]
            while token is not None and len(chain) <= len(own):
                chain.append(token["token_hash"])
                token = by_id.get(token["successor_id"]) if token["rotated_at"] is not None else None
            if len(chain) != len(own):
                problems.append(f"{len(own) - len(chain)} tokens are not on the chain from the first")
        found[session["id"]] = StoredSession(
            session["id"], session["revoked_at"], session["revocation_reason"], chain, problems
        )
    return found


def sessions_with_two_unspent_tokens(dsn: str) -> list[dict[str, Any]]:
    return query(
        dsn,
        "SELECT session_id, count(*) AS unspent FROM refresh_tokens WHERE rotated_at IS NULL "
        "GROUP BY session_id HAVING count(*) > 1",
    )


def spent_tokens_with_a_missing_successor(dsn: str) -> list[dict[str, Any]]:
    return query(
        dsn,
        "SELECT spent.id FROM refresh_tokens AS spent LEFT JOIN refresh_tokens AS successor "
        "ON successor.id = spent.successor_id WHERE spent.rotated_at IS NOT NULL AND successor.id IS NULL",
    )
