"""Three replicas, one database: a session moves freely between them, and what one replica learns
(a logout, a reused refresh token, a new signing key) every other applies within seconds."""

import contextlib
import io
import itertools
import os
import re
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from entrypoints.cli.main import main
from tests.replicas.flows import (
    Measure,
    bearer,
    kid_of,
    log_in,
    new_email,
    published_kids,
    refresh,
    register,
    seconds_until_each,
    session_status,
)
from tests.replicas.key_watch import SigningWatch, jwks_watcher
from tests.replicas.ledger import query
from tests.replicas.replicas import Replica, tessera, tessera_command
from tests.support.http import PASSWORD
from tests.support.pg_cluster import PostgresCluster

pytestmark = [pytest.mark.postgres, pytest.mark.scale, pytest.mark.served]

REVOCATION_BOUND_SECONDS = 2.0
POLL_LIMIT_SECONDS = 5.0
"""Polling goes on past the bound, so that a failure reports the delay actually seen."""


def _rejected(access_token: str) -> Callable[[Replica], bool]:
    return lambda replica: session_status(replica, access_token) == 401


def test_a_session_opened_at_one_replica_is_served_by_every_other(trio: list[Replica]) -> None:
    a, b, c = trio
    email = new_email()
    with a.client() as at_a, b.client() as at_b, c.client() as at_c:
        register(at_a, email)
        tokens = log_in(at_a, email)

        profile = at_b.get("/api/user/profile", headers=bearer(tokens["access_token"]))
        assert profile.status_code == 200, profile.text
        assert profile.json()["email"] == email
        rotated = refresh(at_c, tokens["refresh_token"])
        assert rotated.status_code == 200, rotated.text

        renewed = rotated.json()["access_token"]
        assert at_a.get("/api/user/profile", headers=bearer(renewed)).status_code == 200
        assert [session_status(replica, renewed) for replica in trio] == [200, 200, 200]


def test_a_logout_at_one_replica_is_refused_by_the_others_within_two_seconds(
    trio: list[Replica], measure: Measure
) -> None:
    a, b, c = trio
    email = new_email()
    with a.client() as at_a, b.client() as at_b:
        register(at_a, email)
        leaving, staying = log_in(at_a, email), log_in(at_a, email)
        assert [session_status(replica, leaving["access_token"]) for replica in trio] == [200, 200, 200]

        assert at_b.post("/auth/logout", headers=bearer(leaving["access_token"])).status_code == 204
        logged_out = time.monotonic()
        assert session_status(b, leaving["access_token"]) == 401, "the replica that logged out refuses at once"
        delays = seconds_until_each(
            [a, c], _rejected(leaving["access_token"]), within=POLL_LIMIT_SECONDS, since=logged_out
        )

    for name, delay in delays.items():
        if delay is not None:
            measure(f"logout_refused_at_{name}_after", delay)
    assert all(delay is not None and delay < REVOCATION_BOUND_SECONDS for delay in delays.values()), delays
    assert [session_status(replica, staying["access_token"]) for replica in trio] == [200, 200, 200], (
        "the user's other session is not touched"
    )
    with c.client() as at_c:
        assert refresh(at_c, leaving["refresh_token"]).status_code == 401


def test_logging_out_everywhere_at_one_replica_reaches_every_other_within_two_seconds(
    trio: list[Replica], measure: Measure
) -> None:
    a, b, c = trio
    email, bystander = new_email(), new_email()
    with a.client() as at_a, b.client() as at_b, c.client() as at_c:
        register(at_a, email)
        register(at_a, bystander)
        laptop, phone = log_in(at_a, email), log_in(at_c, email)
        other_user = log_in(at_b, bystander)

        assert at_b.post("/auth/logout-all", headers=bearer(laptop["access_token"])).status_code == 204
        logged_out = time.monotonic()
        delays = seconds_until_each(
            [a, c],
            lambda replica: all(session_status(replica, t["access_token"]) == 401 for t in (laptop, phone)),
            within=POLL_LIMIT_SECONDS,
            since=logged_out,
        )
        assert session_status(b, phone["access_token"]) == 401

    for name, delay in delays.items():
        if delay is not None:
            measure(f"logout_all_refused_at_{name}_after", delay)
    assert all(delay is not None and delay < REVOCATION_BOUND_SECONDS for delay in delays.values()), delays
    assert [session_status(replica, other_user["access_token"]) for replica in trio] == [200, 200, 200]


def test_disabling_a_user_at_one_replica_refuses_their_tokens_at_every_other_within_two_seconds(
    trio: list[Replica], measure: Measure, tessera_env: dict[str, str], tmp_path: Path
) -> None:
    a, b, c = trio
    operator, email = new_email(), new_email()
    created = tessera("users", "create", operator, "--role", "admin", env=tessera_env, cwd=tmp_path, input=PASSWORD)
    assert created.returncode == 0, created.stderr
    with a.client() as at_a, b.client() as at_b, c.client() as at_c:
        victim = at_a.post("/auth/register", json={"email": email, "password": PASSWORD}).json()["id"]
        laptop, phone = log_in(at_a, email), log_in(at_c, email)
        admin = log_in(at_b, operator)

        disabled = at_b.post(f"/admin/users/{victim}/disable", headers=bearer(admin["access_token"]))
        assert disabled.status_code == 200, disabled.text
        disabled_at = time.monotonic()
        assert session_status(b, laptop["access_token"]) == 401, "the replica that disabled refuses at once"
        delays = seconds_until_each(
            [a, c],
            lambda replica: all(session_status(replica, t["access_token"]) == 401 for t in (laptop, phone)),
            within=POLL_LIMIT_SECONDS,
            since=disabled_at,
        )
        assert at_c.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 403
        assert refresh(at_a, phone["refresh_token"]).status_code == 401

    for name, delay in delays.items():
        if delay is not None:
            measure(f"disabled_user_refused_at_{name}_after", delay)
    assert all(delay is not None and delay < REVOCATION_BOUND_SECONDS for delay in delays.values()), delays
    assert [session_status(replica, admin["access_token"]) for replica in trio] == [200, 200, 200]


def test_a_reused_refresh_token_revokes_the_session_on_every_replica_within_two_seconds(
    trio: list[Replica], postgres_cluster: PostgresCluster, measure: Measure
) -> None:
    a, b, c = trio
    email = new_email()
    with a.client() as at_a, b.client() as at_b, c.client() as at_c:
        register(at_a, email)
        first = log_in(at_a, email)
        second = refresh(at_a, first["refresh_token"]).json()
        third = refresh(at_b, second["refresh_token"])
        assert third.status_code == 200, third.text
        latest = third.json()

        # The first token's successor has been used: presenting it now is theft, whatever the grace window.
        assert refresh(at_c, first["refresh_token"]).status_code == 401
        revoked = time.monotonic()
        assert session_status(c, latest["access_token"]) == 401, "the replica that saw the reuse refuses at once"
        delays = seconds_until_each([a, b], _rejected(latest["access_token"]), within=POLL_LIMIT_SECONDS, since=revoked)
        assert refresh(at_a, latest["refresh_token"]).status_code == 401

    for name, delay in delays.items():
        if delay is not None:
            measure(f"reuse_revocation_refused_at_{name}_after", delay)
    assert all(delay is not None and delay < REVOCATION_BOUND_SECONDS for delay in delays.values()), delays
    reasons = query(
        postgres_cluster.url,
        "SELECT s.revocation_reason FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
        email,
    )
    assert reasons == [{"revocation_reason": "refresh_token_reused"}]


def test_a_rotated_key_is_published_by_every_replica_before_any_signs_with_it_and_old_tokens_keep_verifying(
    trio: list[Replica], tessera_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, measure: Measure
) -> None:
    a, b, c = trio
    for name in [name for name in os.environ if name.startswith("TESSERA_")]:
        monkeypatch.delenv(name)
    for name, value in tessera_env.items():
        if name.startswith("TESSERA_"):
            monkeypatch.setenv(name, value)  # for `tessera keys list`, run in this process
    email = new_email()
    with a.client() as at_a:
        register(at_a, email)
        old = log_in(at_a, email)
    old_kid = kid_of(old["access_token"])
    assert _keys_list() == {old_kid: "signing"}
    jwks = jwks_watcher(trio)
    signing = SigningWatch(trio, {replica.name: _log_in_at(replica, email) for replica in trio}, old_kid)
    jwks.start()
    signing.watcher.start()

    # An operator's command, "at A"; meanwhile `tessera keys list`, again and again, until the new key signs.
    operator = subprocess.Popen(
        tessera_command("keys", "rotate"), env=tessera_env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    listings = _keys_lists_until_handed_over(operator)
    announcement, _ = operator.communicate(timeout=60)
    assert operator.returncode == 0, announcement
    announced = re.fullmatch(r"tessera: new key (\S+) is published now and signs from (\S+)\n", announcement)
    assert announced is not None, announcement
    new_kid, signs_from = announced[1], datetime.fromisoformat(announced[2]).timestamp()
    deadline = signs_from + KEY_RELOAD_SECONDS + SLACK_SECONDS + 5
    while signing.switched != {"A", "B", "C"} and time.time() < deadline and signing.watcher.is_alive():
        time.sleep(0.05)
    time.sleep(0.2)  # a few more JWKS answers after the last switch
    signing.watcher.finish()
    jwks.finish()

    states_of_new_key = [
        state for state, _ in itertools.groupby(listing[new_kid] for listing in listings if new_kid in listing)
    ]
    assert states_of_new_key == ["pending", "signing"]
    assert listings[-1] == {old_kid: "verifying", new_kid: "signing"}
    assert signing.switched == {"A", "B", "C"}, f"only {signing.switched} signed with a new key"
    new_tokens = [seen for seen in signing.watcher.seen if seen.kids != {old_kid}]
    assert {kid for seen in new_tokens for kid in seen.kids} == {new_kid}
    assert [seen for seen in new_tokens if seen.ended < signs_from] == [], "signed with the new key before its time"
    first_signed = min(seen.ended for seen in new_tokens)
    assert [s for s in jwks.seen if s.began >= min(first_signed, signs_from) and new_kid not in s.kids] == [], (
        "a replica's JWKS lacked the new key once tokens could be signed with it"
    )
    stale = signs_from + KEY_RELOAD_SECONDS + SLACK_SECONDS
    assert [s for s in signing.watcher.seen if s.began >= stale and new_kid not in s.kids] == [], (
        "a replica kept signing with the old key past a reload period"
    )
    assert signing.refused_elsewhere == [], "a token signed with the new key was refused by another replica"
    created = signs_from - PROPAGATION_SECONDS
    for replica in trio:
        measure(
            f"new_key_in_jwks_of_{replica.name}_after_rotation", _seconds(jwks.first(replica.name, new_kid), created)
        )
    for replica in trio:
        measure(
            f"new_key_signing_at_{replica.name}_after_signs_from",
            _seconds(signing.watcher.first(replica.name, new_kid), signs_from),
        )

    with a.client() as at_a:
        fresh = log_in(at_a, email)
    assert kid_of(fresh["access_token"]) == new_kid
    assert [session_status(replica, fresh["access_token"]) for replica in (b, c)] == [200, 200]
    assert [session_status(replica, old["access_token"]) for replica in (b, c)] == [200, 200], (
        "a token signed with the superseded key verifies until it expires"
    )
    assert all({old_kid, new_kid} <= published_kids(replica) for replica in trio)


PROPAGATION_SECONDS = 2.0
KEY_RELOAD_SECONDS = 1.0
SLACK_SECONDS = 1.5


def _seconds(moment: float | None, since: float) -> float:
    assert moment is not None
    return moment - since


def _log_in_at(replica: Replica, email: str) -> str:
    with replica.client() as client:
        return str(log_in(client, email)["refresh_token"])


def _keys_lists_until_handed_over(operator: subprocess.Popen[str]) -> list[dict[str, str]]:
    """Each key's state, listed again and again until a second key signs (a minute at most)."""
    listings, deadline = [_keys_list()], time.monotonic() + 60
    while sorted(listings[-1].values()) != ["signing", "verifying"] and time.monotonic() < deadline:
        if operator.poll() not in (None, 0):
            break
        time.sleep(0.05)
        listings.append(_keys_list())
    return listings


def _keys_list() -> dict[str, str]:
    """`tessera keys list`, in this process: a new interpreter takes about as long as the pending state lasts."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["keys", "list"]) == 0
    return {row.split()[0]: row.split()[2] for row in out.getvalue().strip().splitlines()[1:]}
