"""Three replicas hear of each other's changes through PostgreSQL's notifications, within milliseconds;
when a notification is lost, the one-second poll still holds the two-second bound."""

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
import pytest

from entrypoints.runtime.serve import default_workers
from tests.replicas.flows import Measure, bearer, log_in, new_email, register
from tests.replicas.ledger import query
from tests.replicas.replicas import Replica, tessera
from tests.support.pg_cluster import PostgresCluster

pytestmark = [pytest.mark.postgres, pytest.mark.scale, pytest.mark.served]

NOTIFIED_TARGET_SECONDS = 0.1
NOTIFIED_BOUND_SECONDS = 0.5
"""The target is 100 ms; the assertion leaves room for a loaded machine. The poll alone (every second)
would put half the delays above it: twenty logouts all under it cannot come from the poll."""
FALLBACK_BOUND_SECONDS = 2.0
POLL_LIMIT_SECONDS = 5.0
LOGOUTS = 20
LISTENER = "tessera-change-listener"
LISTENERS_PER_REPLICA = default_workers()
"""Each worker of a replica (`tessera serve` starts one per CPU) listens on a connection of its own."""
LISTENER_START_SECONDS = 10.0
CHANGES = [
    ("grant", "support"),
    ("grant", "billing.read"),
    ("revoke-role", "support"),
    ("revoke-role", "billing.read"),
    ("grant", "support"),
    ("revoke-role", "support"),
]


def _seconds_until(
    clients: Sequence[httpx.Client], holds: Callable[[httpx.Client], bool], since: float, within: float
) -> list[float | None]:
    """For each client's replica, the seconds from `since` until `holds` first held, polled without pause
    over kept-alive connections; None where it never did within `within` seconds."""
    found: list[float | None] = [None] * len(clients)
    while True:
        for index, client in enumerate(clients):
            if found[index] is None and holds(client):
                found[index] = round(time.monotonic() - since, 4)
        if all(delay is not None for delay in found) or time.monotonic() - since > within:
            return found
        time.sleep(0.002)


def _refuses(access_token: str) -> Callable[[httpx.Client], bool]:
    return lambda client: client.get("/api/user/session", headers=bearer(access_token)).status_code == 401


def _shows_roles(authorised: dict[str, str], roles: list[str]) -> Callable[[httpx.Client], bool]:
    def shows(client: httpx.Client) -> bool:
        answer = client.get("/api/user/profile", headers=authorised)
        assert answer.status_code == 200, answer.text
        return sorted(answer.json()["roles"]) == roles

    return shows


def _listeners(cluster: PostgresCluster) -> int:
    rows = query(cluster.url, "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", LISTENER)
    return int(rows[0]["n"])


def _listeners_within(cluster: PostgresCluster, wanted: int, seconds: float) -> int:
    """The listeners connected once `wanted` are, or when `seconds` ran out. A replica answers as soon as
    one of its workers does: the others may still be opening their listening connection."""
    by = time.monotonic() + seconds
    while (listening := _listeners(cluster)) < wanted and time.monotonic() < by:
        time.sleep(0.05)
    return listening


def _figures(delays: Sequence[float]) -> str:
    ordered = sorted(delays)
    return (
        f"{len(ordered)} delays: p50 {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms, "
        f"{sum(d < NOTIFIED_TARGET_SECONDS for d in ordered)} under 100 ms; all: {[round(d * 1000) for d in ordered]}"
    )


def test_a_logout_at_one_replica_is_refused_by_every_other_within_milliseconds(
    trio: list[Replica], postgres_cluster: PostgresCluster, measure: Measure
) -> None:
    email = new_email()
    clients = [replica.client(timeout=5) for replica in trio]
    try:
        register(clients[0], email)
        every_worker = len(trio) * LISTENERS_PER_REPLICA
        listening = _listeners_within(postgres_cluster, every_worker, LISTENER_START_SECONDS)
        assert listening == every_worker, "every worker listens"
        sessions = [log_in(clients[n % len(trio)], email) for n in range(LOGOUTS + 1)]
        delays: list[float] = []
        for n, tokens in enumerate(sessions):
            at = n % len(trio)
            others = [client for index, client in enumerate(clients) if index != at]
            assert all(not _refuses(tokens["access_token"])(client) for client in clients)

            logged_out = clients[at].post("/auth/logout", headers=bearer(tokens["access_token"]))
            assert logged_out.status_code == 204, logged_out.text
            since = time.monotonic()
            assert _refuses(tokens["access_token"])(clients[at]), "the replica that logged out refuses at once"
            seen = _seconds_until(others, _refuses(tokens["access_token"]), since, POLL_LIMIT_SECONDS)
            assert all(delay is not None for delay in seen), f"logout {n} at {trio[at].name} not refused: {seen}"
            if n > 0:  # the first one warms the connections up
                delays.append(max(delay for delay in seen if delay is not None))
    finally:
        for client in clients:
            client.close()

    measure("logout_refused_everywhere_p50", statistics.median(delays))
    measure("logout_refused_everywhere_max", max(delays))
    measure("logouts_refused_everywhere_under_100_ms", sum(d < NOTIFIED_TARGET_SECONDS for d in delays), "of 20")
    assert max(delays) < NOTIFIED_BOUND_SECONDS, _figures(delays)


def test_a_role_granted_at_the_command_line_shows_in_another_replicas_cached_profile_at_once(
    trio: list[Replica], tessera_env: dict[str, str], tmp_path: Path, measure: Measure
) -> None:
    _, b, _ = trio
    email = new_email()
    delays: list[float] = []
    with b.client(timeout=5) as at_b:
        register(at_b, email)
        for command, role in CHANGES:
            authorised = bearer(log_in(at_b, email)["access_token"])  # access tokens live 20 s here
            profile = at_b.get("/api/user/profile", headers=authorised)
            cached = at_b.get("/api/user/profile", headers=authorised)
            assert profile.status_code == cached.status_code == 200, cached.text
            assert cached.headers["etag"] == profile.headers["etag"]
            before = set(profile.json()["roles"])
            expected = sorted(before | {role} if command == "grant" else before - {role})
            assert expected != sorted(before)

            changed = tessera("users", command, email, role, env=tessera_env, cwd=tmp_path)
            assert changed.returncode == 0, changed.stderr
            since = time.monotonic()
            (delay,) = _seconds_until([at_b], _shows_roles(authorised, expected), since, POLL_LIMIT_SECONDS)
            assert delay is not None, f"{command} {role} never showed at B: {delays}"
            delays.append(delay)

    measure("profile_change_shown_at_b_p50", statistics.median(delays))
    measure("profile_change_shown_at_b_max", max(delays))
    assert max(delays) < FALLBACK_BOUND_SECONDS, _figures(delays)


def test_with_the_listeners_cut_off_a_logout_is_still_refused_everywhere_within_two_seconds_and_they_come_back(
    trio: list[Replica], postgres_cluster: PostgresCluster, measure: Measure
) -> None:
    a, b, c = trio
    email = new_email()
    clients = [replica.client(timeout=5) for replica in trio]
    try:
        register(clients[0], email)
        lost, later = log_in(clients[0], email), log_in(clients[0], email)
        every_worker = len(trio) * LISTENERS_PER_REPLICA
        assert _listeners_within(postgres_cluster, every_worker, LISTENER_START_SECONDS) == every_worker

        cut = query(
            postgres_cluster.url,
            "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1",
            LISTENER,
        )
        logged_out = clients[0].post("/auth/logout", headers=bearer(lost["access_token"]))
        since = time.monotonic()
        assert logged_out.status_code == 204, logged_out.text
        assert [row["cut"] for row in cut] == [True] * every_worker, cut
        fallback = _seconds_until(clients[1:], _refuses(lost["access_token"]), since, POLL_LIMIT_SECONDS)

        listening_again = _listeners_within(postgres_cluster, every_worker, LISTENER_START_SECONDS)
        clients[0].post("/auth/logout", headers=bearer(later["access_token"]))
        since = time.monotonic()
        notified = _seconds_until(clients[1:], _refuses(later["access_token"]), since, POLL_LIMIT_SECONDS)
    finally:
        for client in clients:
            client.close()

    for replica, delay in zip((b, c), fallback, strict=True):
        if delay is not None:
            measure(f"logout_refused_at_{replica.name}_without_listener_after", delay)
    for replica, delay in zip((b, c), notified, strict=True):
        if delay is not None:
            measure(f"logout_refused_at_{replica.name}_once_listening_again_after", delay)
    assert all(d is not None and d < FALLBACK_BOUND_SECONDS for d in fallback), f"from {a.name}: {fallback}"
    assert listening_again == every_worker, "every worker's listener reconnected"
    assert all(d is not None and d < NOTIFIED_BOUND_SECONDS for d in notified), f"once reconnected: {notified}"
