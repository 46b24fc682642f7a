"""`tessera serve --workers 2` on SQLite: what one worker commits, the other knows before the answer
leaves, so a client's next request, on whichever worker it lands, sees it."""

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.http import PASSWORD
from tests.support.served import TESSERA, environment, running, tessera, upgraded

pytestmark = pytest.mark.served

FRESH_CONNECTIONS = 30
PROPAGATION_BOUND_SECONDS = 2.0


STARTED_WITHIN_SECONDS = 120.0
"""A worker's start is slow on a loaded machine (20 s and more seen on a shared 2-core one)."""


@contextlib.contextmanager
def _two_workers(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`tessera serve --workers 2`, once both workers have started: /health answers from the first."""
    upgraded(env, cwd)
    log_path = cwd / "serve.log"

    def command(port: int) -> list[str]:
        return [*TESSERA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]

    with running(command, "/health", 200, env=env, cwd=cwd, log_path=log_path, within=STARTED_WITHIN_SECONDS) as base:
        deadline = time.monotonic() + STARTED_WITHIN_SECONDS
        while log_path.read_text().count("Application startup complete.") < 2:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        assert len(set(re.findall(r"Started server process \[(\d+)\]", log_path.read_text()))) == 2
        yield base


def _statuses(base: str, path: str, access_token: str) -> list[int]:
    """The status of `path` on a new connection each time: each may be accepted by either worker."""
    headers = {"Authorization": f"Bearer {access_token}", "Connection": "close"}
    return [httpx.get(f"{base}{path}", headers=headers, timeout=10).status_code for _ in range(FRESH_CONNECTIONS)]


def _roles_seen(base: str, access_token: str) -> list[tuple[str, ...]]:
    headers = {"Authorization": f"Bearer {access_token}", "Connection": "close"}
    seen = []
    for _ in range(FRESH_CONNECTIONS):
        answer = httpx.get(f"{base}/api/user/profile", headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
        seen.append(tuple(answer.json()["roles"]))
    return seen


def _log_in(http: httpx.Client) -> dict[str, str]:
    assert http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 201
    answer = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_logout_at_one_worker_is_refused_by_both_on_every_new_connection_at_once(tmp_path: Path) -> None:
    # The poll as slow as it goes, so that only the workers' own messages can refuse the token at once.
    env = environment(tmp_path, TESSERA_REVOCATION_POLL_SECONDS="60", TESSERA_REVOCATION_LOOKBACK_SECONDS="180")
    with _two_workers(env, tmp_path) as base:
        with httpx.Client(base_url=base, timeout=10) as http:
            tokens = _log_in(http)
            assert _statuses(base, "/api/user/session", tokens["access_token"]) == [200] * FRESH_CONNECTIONS

            logged_out = http.post("/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"})
            assert logged_out.status_code == 204, logged_out.text

        for path in ("/api/user/session", "/api/user/profile"):
            assert _statuses(base, path, tokens["access_token"]) == [401] * FRESH_CONNECTIONS, path


def test_a_role_granted_at_the_command_line_shows_in_every_workers_cached_profile_within_the_poll(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path, TESSERA_REVOCATION_POLL_SECONDS="1")
    with _two_workers(env, tmp_path) as base:
        with httpx.Client(base_url=base, timeout=10) as http:
            tokens = _log_in(http)
        assert _roles_seen(base, tokens["access_token"]) == [()] * FRESH_CONNECTIONS, "cached by both workers"

        granted = tessera("users", "grant", "ada@example.com", "support", env=env, cwd=tmp_path)
        assert granted.returncode == 0, granted.stderr
        since = time.monotonic()
        # SQLite has no notifications and the command is no worker: each worker hears of it at its poll.
        while True:
            began = time.monotonic() - since
            seen = _roles_seen(base, tokens["access_token"])
            if seen == [("support",)] * FRESH_CONNECTIONS:
                break
            assert began < PROPAGATION_BOUND_SECONDS, f"still stale somewhere: {seen}"
        print(f"both workers showed the granted role in a sweep begun {began:.3f} s after the command returned")
        assert began < PROPAGATION_BOUND_SECONDS
        assert _roles_seen(base, tokens["access_token"]) == [("support",)] * FRESH_CONNECTIONS
