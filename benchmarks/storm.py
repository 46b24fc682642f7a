"""The login storm, at each argon2id profile (the default, and the stronger one docs/deployment.md documents):
many distinct users logging in with their own correct passwords on the default store (SQLite), and the
protected route's latency alone, then beside the logins.

The login throttles stay at their defaults: they count failed logins only, and every login here is
correct, so none is refused (each run's errors say so). The users are hashed at the server's own
parameters before it starts, so no login rehashes: each costs one argon2id verification, one user read
and one session written. Each round also runs the logins alone, first: their rate with nothing beside
them, and the server's own CPU time per login (from /proc), a figure the machine's other load barely
moves."""

import contextlib
import math
import os
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import population
from benchmarks.load import Run
from benchmarks.login_load import LoginList
from benchmarks.login_population import PROFILES, Argon2Cost, write_users
from benchmarks.servers import db_upgrade, tessera, tessera_env
from benchmarks.token_load import TokenList
from entrypoints.settings.reader import settings_from_env

PROBE_CONNECTIONS, STORM_CONNECTIONS = 4, 16
PROBE_TOKENS = 2_000
"""The probe's live tokens (each its own user and session), the next on each request."""
STORM_LEAD_S = 1.0
"""The storm starts this long before the probe, and ends as long after it."""
USERS_MARGIN = 1.5
"""Users per profile: this times the most logins its hashing threads could verify in the part, so that
no user logs in twice."""
SETTLE_BOUND_S = 60.0


def login_storm(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    profiles = {name: _profile(work, name, env, seconds, rounds) for name, env in PROFILES.items()}
    return {
        "profiles": profiles,
        "probe_connections": PROBE_CONNECTIONS,
        "storm_connections": STORM_CONNECTIONS,
        "probe_tokens": PROBE_TOKENS,
        "nproc": os.cpu_count() or 1,
    }


def _profile(work: Path, name: str, overrides: dict[str, str], seconds: float, rounds: int) -> dict[str, Any]:
    database = work / f"storm-{name}.db"
    env = {**tessera_env(work, f"sqlite+aiosqlite:///{database}", fast_argon2=False), **overrides}
    settings = settings_from_env({**os.environ, **env})  # as the server reads it
    db_upgrade(env)
    cost = Argon2Cost.of(settings)
    hash_s = cost.cpu_seconds_per_hash()
    most = settings.argon2_concurrency / hash_s * (2 * seconds + 2 * STORM_LEAD_S) * rounds
    users = write_users(database, work / f"storm-{name}-users.txt", settings, max(100, math.ceil(most * USERS_MARGIN)))
    members = population.write_members(database, PROBE_TOKENS)
    minted = population.mint(population.signing_key_file(env), members, PROBE_TOKENS)
    tokens = TokenList(population.write_tokens(work / f"storm-{name}-tokens.txt", minted), PROBE_TOKENS)
    logins = LoginList(work / f"storm-{name}-users.txt", users)
    idle, storm, storms, alone, cpu_ms = [], [], [], [], []
    with tessera(work, env, f"tessera-storm-{name}") as (service, pid):
        url, login_url = f"{service}/api/user/session", f"{service}/auth/login"
        tokens.run(url, 2, PROBE_CONNECTIONS, 1, go_on=False)  # every token verified once: the cache holds them
        for _ in range(rounds):
            opened, started = _sessions(database), _cpu_s(pid)
            alone.append(asdict(logins.run(login_url, seconds, STORM_CONNECTIONS)))
            opened = _settled_sessions(database) - opened  # logins wrk left in flight finish first
            cpu_ms.append(1000 * (_cpu_s(pid) - started) / max(1, opened))
            idle.append(asdict(tokens.run(url, seconds, PROBE_CONNECTIONS, 1, go_on=False)))
            into: list[Run] = []
            thread = threading.Thread(target=_storm, args=(logins, login_url, seconds, into))
            thread.start()
            time.sleep(STORM_LEAD_S)
            storm.append(asdict(tokens.run(url, seconds, PROBE_CONNECTIONS, 1, go_on=False)))
            thread.join()
            storms.append(asdict(into[0]))
            _settled_sessions(database)
    return {
        "idle": idle,
        "storm": storm,
        "logins": storms,
        "logins_alone": alone,
        "server_cpu_ms_per_login": cpu_ms,
        "argon2": str(cost),
        "hash_cpu_ms": 1000 * hash_s,
        "argon2_concurrency": settings.argon2_concurrency,
        "users": users,
        "users_repeated": max(0, logins.next - users),
        "overrides": overrides,
    }


def _storm(logins: LoginList, url: str, seconds: float, into: list[Run]) -> None:
    into.append(logins.run(url, seconds + 2 * STORM_LEAD_S, STORM_CONNECTIONS))


def _cpu_s(pid: int) -> float:
    """The process's user and system CPU time so far, every thread of it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sessions(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("SELECT count(*) FROM sessions").fetchone()[0])


def _settled_sessions(database: Path) -> int:
    """The session count once it has stopped growing for a second: every login the server accepted has
    been answered (bounded)."""
    deadline, count = time.monotonic() + SETTLE_BOUND_S, _sessions(database)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _sessions(database)
        if now == count:
            return now
        count = now
    return count
