"""The primary is lost under load (its PostgreSQL killed, or its Patroni killed, or a planned
switchover) and tessera keeps every session: tokens keep verifying throughout, writes answer 503
problem JSON inside the failover window alone, every replica recovers without a restart, nothing a
client was told is lost (synchronous replication), and revocations reach every replica again through
LISTEN on the new primary. The window, from the fault to the first refresh answered after the
outage began, is measured and reported."""

import itertools
import time
from collections.abc import Callable

import httpx
import pytest

from deploy.ha_node import HaNode
from deploy.ha_settings import LOOP_WAIT_SECONDS, TTL_SECONDS
from deploy.local_ha import HaDatabase
from entrypoints.runtime.serve import default_workers
from tests.replicas.flows import Measure, bearer, log_in, new_email, refresh, register
from tests.replicas.ledger import query, stored_sessions
from tests.replicas.replicas import Replica
from tests.replicas.traffic import Answer, Traffic, Verifying

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240), pytest.mark.ha, pytest.mark.served]

QUIET_SESSIONS = 4
"""Sessions refreshed once before the fault and left alone: their newest token must refresh after it."""
CLOSED_BEFORE = 2
"""Sessions logged out (204) before the fault: they must stay revoked after it."""
CLEAN_TAIL_SECONDS = 2.0
"""After the window, this long without a 503 at any replica before the traffic stops."""
WINDOW_BOUND_SECONDS = {
    # A crashed primary is not restarted in place (primary_start_timeout 0): its Patroni hands over at
    # once, and the standby promotes within a loop or two, well within the leader key's lifetime.
    "postgres": float(TTL_SECONDS),
    "postgres_through_pgbouncer": float(TTL_SECONDS),
    # Nobody hands over: the leader key expires (ttl), then the standby's next loop promotes it.
    "patroni": float(TTL_SECONDS + 2 * LOOP_WAIT_SECONDS + 2),
    # Planned: the primary steps down at once, no key has to expire.
    "switchover": float(TTL_SECONDS),
}
"""Upper bounds of the window, from deploy/ha_settings.py's timings."""
LISTENER = "tessera-change-listener"
NOTIFIED_BOUND_SECONDS = 0.5
POLL_BOUND_SECONDS = 2.5
"""The one-second revocation poll, twice, and its query: the bound for what LISTEN missed."""
"""Below the one-second revocation poll: a delay under it is LISTEN's."""


def test_killing_the_primarys_postgresql_loses_no_session_and_writes_answer_503_only_in_the_window(
    ha: HaDatabase, ha_replicas: list[Replica], measure: Measure
) -> None:
    _through(ha, ha_replicas, "postgres", lambda leader: ha.kill_postgres(leader), measure)


def test_through_pgbouncer_killing_the_primarys_postgresql_loses_no_session_and_writes_answer_503_only_in_the_window(
    ha: HaDatabase, pooled_ha_replicas: list[Replica], measure: Measure
) -> None:
    """As compose.ha.yaml runs tessera: pgbouncer in transaction pooling in front of HAProxy."""
    _through(ha, pooled_ha_replicas, "postgres_through_pgbouncer", lambda leader: ha.kill_postgres(leader), measure)


def test_killing_the_primarys_patroni_loses_no_session_and_writes_answer_503_only_in_the_window(
    ha: HaDatabase, ha_replicas: list[Replica], measure: Measure
) -> None:
    killed: list[HaNode] = []

    def kill(leader: HaNode) -> None:
        ha.kill_patroni(leader)
        killed.append(leader)

    try:
        _through(ha, ha_replicas, "patroni", kill, measure)
    finally:
        for node in killed:  # its orphaned PostgreSQL is demoted and rewound, and follows the new primary
            ha.start_patroni(node)
    began = time.monotonic()
    ha.wait_synchronous()
    measure("patroni_old_primary_rejoined_as_synchronous_standby_after", time.monotonic() - began)


def test_a_planned_switchover_loses_no_session_and_ends_within_the_leader_keys_lifetime(
    ha: HaDatabase, ha_replicas: list[Replica], measure: Measure
) -> None:
    def switch(_leader: HaNode) -> None:
        result = ha.switchover()
        assert result.returncode == 0, result.stdout + result.stderr

    _through(ha, ha_replicas, "switchover", switch, measure)


def _through(
    ha: HaDatabase, replicas: list[Replica], fault: str, inflict: Callable[[HaNode], None], measure: Measure
) -> None:
    leader = ha.wait_synchronous()
    email = new_email()
    a, b = replicas
    with a.client() as at_a, b.client() as at_b:
        register(at_a, email)
        quiet = [log_in(at_a, email) for _ in range(QUIET_SESSIONS)]
        quiet = [_refreshed(at_b, tokens) for tokens in quiet]
        closed = [log_in(at_b, email) for _ in range(CLOSED_BEFORE)]
        for tokens in closed:
            assert at_a.post("/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
    traffic = [Traffic(replicas, email, first_turn=turn) for turn in range(2)]
    verifying = Verifying(replicas, quiet[0]["access_token"])
    for thread in [*traffic, verifying]:
        thread.start()
    try:
        _wait(lambda: all(t.refreshes_since(0) >= 3 for t in traffic), "traffic before the fault", 60)
        struck = time.monotonic()
        inflict(leader)
        bound = WINDOW_BOUND_SECONDS[fault]
        _wait(lambda: (new := ha.leader()) is not None and new is not leader, "a new primary", bound)
        promoted = time.monotonic()
        _wait(
            lambda: _recovered(traffic, promoted),
            "a clean tail of traffic",
            bound + 20,
            state=lambda: _traffic_state(traffic, promoted),
        )
    finally:
        for client in traffic:
            client.finish()
        verifying.finish()

    writes = sorted((a for t in traffic for a in t.answers), key=lambda a: a.at)
    refused = [a for a in writes if a.status == 503]
    measure(f"{fault}_new_primary_after", promoted - struck)
    window = _window(writes, struck)
    measure(f"{fault}_window_fault_to_first_refresh_after_the_outage", window)
    succeeded = [a.at for a in writes if a.operation == "refresh" and a.status == 200 and a.at > struck]
    measure(f"{fault}_first_refresh_answered_200_after_the_fault", (succeeded or [struck])[0] - struck)
    measure(f"{fault}_writes_answered_503", len(refused), unit="answers")
    measure(f"{fault}_writes_answered", len(writes), unit="answers")
    if refused:
        measure(f"{fault}_first_503_after_the_fault", refused[0].at - struck)
        measure(f"{fault}_last_503_after_the_fault", refused[-1].at - struck)
    assert window < WINDOW_BOUND_SECONDS[fault], f"a window of {window:.1f} s"

    # Writes: 503 problem JSON (the threads checked the type) and nothing else, inside the window only.
    assert [t.failure for t in traffic] == [None, None]
    assert {a.status for a in writes} <= {200, 204, 503}
    assert all(a.at >= struck for a in refused), "a 503 before the fault"
    assert all(a.at <= struck + window + 5.0 for a in refused), "503s long after the window"
    # Verified requests: none failed, throughout.
    failed_checks = [a for a in verifying.answers if a.status != 200]
    measure(f"{fault}_verified_requests", len(verifying.answers), unit="requests")
    assert failed_checks == [], _around(failed_checks, struck)
    assert verifying.answers[-1].at > struck + window

    # Every replica recovered without a restart.
    for replica in replicas:
        assert replica.alive
        assert httpx.get(f"{replica.url}/ready", timeout=5).status_code == 200
    _nothing_acknowledged_lost(ha, replicas, quiet, closed, traffic)
    _revocations_propagate_again(ha, replicas, measure, fault)


def _refreshed(client: httpx.Client, tokens: dict[str, str]) -> dict[str, str]:
    answer = refresh(client, tokens["refresh_token"])
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _recovered(traffic: list[Traffic], promoted: float) -> bool:
    """Since the new primary led and since its last 503, each thread refreshed twice, and the later of
    the two moments is this long past. A thread that stopped on a wrong answer fails the test at once."""
    failed = [t.failure for t in traffic if t.failure is not None]
    assert failed == [], f"traffic stopped: {failed}"
    now = time.monotonic()
    for thread in traffic:
        refused = [a.at for a in list(thread.answers) if a.status == 503]
        calm_since = max([*refused, promoted])
        if now - calm_since < CLEAN_TAIL_SECONDS or thread.refreshes_since(calm_since) < 2:
            return False
    return True


def _traffic_state(traffic: list[Traffic], promoted: float) -> str:
    """What each traffic thread saw since the new primary led: for a failed wait's message."""
    lines = []
    for number, thread in enumerate(traffic):
        since = [a for a in list(thread.answers) if a.at > promoted]
        statuses = sorted({a.status for a in since})
        last = since[-1] if since else None
        shown = f"{last.operation} {last.status} at +{last.at - promoted:.2f} s" if last else "none"
        lines.append(
            f"thread {number}: alive {thread.is_alive()}, {len(since)} answers since the promotion"
            f" (statuses {statuses}), {thread.refreshes_since(promoted)} refreshes, the last {shown}"
        )
    return "; ".join(lines)


def _window(writes: list[Answer], struck: float) -> float:
    """From the fault to the first refresh answered 200 after the outage: the end of the longest gap
    between successful refreshes from the last one before the fault on. Writes may fail (503) in the
    gap, or wait (behind pgbouncer, which holds them until the new primary answers)."""
    succeeded = [a.at for a in writes if a.operation == "refresh" and a.status == 200]
    times = [max((t for t in succeeded if t < struck), default=struck), *(t for t in succeeded if t >= struck)]
    gaps = [(later - earlier, later) for earlier, later in itertools.pairwise(times)]
    return max(gaps)[1] - struck if gaps else 0.0


def _nothing_acknowledged_lost(
    ha: HaDatabase,
    replicas: list[Replica],
    quiet: list[dict[str, str]],
    closed: list[dict[str, str]],
    traffic: list[Traffic],
) -> None:
    a, b = replicas
    with a.client() as at_a, b.client() as at_b:
        # Refreshed (200) before the fault: the newest token still refreshes, at either replica.
        for turn, tokens in enumerate(quiet):
            answer = refresh((at_a, at_b)[turn % 2], tokens["refresh_token"])
            assert answer.status_code == 200, answer.text
        # Logged out (204) before or during the failover: still revoked.
        ledgers = [s for t in traffic for s in t.sessions]
        logged_out = [s.refresh_token for s in ledgers if s.logged_out_at is not None]
        for token in [tokens["refresh_token"] for tokens in closed] + logged_out:
            assert refresh(at_b, token).status_code == 401
        # ... and refused at every replica: each logout reached the other replica, by LISTEN or, for
        # those committed while the listener was reconnecting, by the revocation poll.
        # A logout committed while the other replica's listener was reconnecting reaches it by the poll.
        revoked = [tokens["access_token"] for tokens in closed] + [s.access_token for s in ledgers if s.logged_out_at]
        _wait(
            lambda: all(
                c.get("/api/user/session", headers=bearer(token)).status_code == 401
                for token in revoked
                for c in (at_a, at_b)
            ),
            "every acknowledged logout refused at every replica",
            POLL_BOUND_SECONDS,
        )
    stored = stored_sessions(ha.url)
    chains = {s.chain[0]: s for s in stored.values() if s.chain}
    for ledger in ledgers:
        session = chains.get(ledger.chain[0])
        assert session is not None, "a session a client was given is not stored"
        # Every rotation a client was told of is stored, in its order (the last may be unacknowledged).
        assert session.chain[: len(ledger.chain)] == ledger.chain
        assert session.problems == []
        assert (session.revocation_reason == "logout") == (ledger.logged_out_at is not None)
    assert [s.revocation_reason for s in stored.values() if s.revocation_reason not in (None, "logout")] == [], (
        "reuse was detected where there was none"
    )


def _revocations_propagate_again(ha: HaDatabase, replicas: list[Replica], measure: Measure, fault: str) -> None:
    """Every worker LISTENs on the new primary again, and a logout at one replica reaches the other
    within LISTEN's delay, not the poll's."""
    expected = len(replicas) * default_workers()
    began = time.monotonic()
    # At least these replicas' workers (other replicas of the module may listen there too).
    _wait(lambda: _listeners(ha) >= expected, f"{expected} listeners on the new primary", 30)
    measure(f"{fault}_listeners_back_within", time.monotonic() - began)
    a, b = replicas
    email = new_email()
    with a.client() as at_a, b.client() as at_b:
        register(at_a, email)
        delays = []
        for _ in range(3):
            tokens = log_in(at_a, email)
            assert at_b.get("/api/user/session", headers=bearer(tokens["access_token"])).status_code == 200
            assert at_a.post("/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
            logged_out = time.monotonic()
            _wait(
                lambda: at_b.get("/api/user/session", headers=bearer(tokens["access_token"])).status_code == 401,  # noqa: B023
                "the logout at the other replica",
                5,
                pause=0.002,
            )
            delays.append(time.monotonic() - logged_out)
    measure(f"{fault}_revocation_propagation_after_failover_max", max(delays))
    assert max(delays) < NOTIFIED_BOUND_SECONDS, delays


def _listeners(ha: HaDatabase) -> int:
    try:
        rows = query(ha.url, "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", LISTENER)
    except (OSError, Exception):  # the primary not reachable yet: none listening there
        return -1
    return int(rows[0]["n"])


def _around(answers: list[Answer], struck: float) -> str:
    return ", ".join(f"{a.status} at +{a.at - struck:.2f} s from {a.where or 'a replica'}" for a in answers[:20])


def _wait(
    holds: Callable[[], bool],
    what: str,
    within: float,
    pause: float = 0.1,
    state: Callable[[], str] = lambda: "",
) -> None:
    deadline = time.monotonic() + within
    while not holds():
        assert time.monotonic() < deadline, f"no {what} within {within} s. {state()}"
        time.sleep(pause)
