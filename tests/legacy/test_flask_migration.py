"""The migration of a real Flask app, end to end: users in a SQLAlchemy table with Werkzeug hashes
log in through Flask-Login, their sessions kept in Flask's signed cookie or by Flask-Session on a
real Redis; the migration guide's Flask recipe runs command by command (export, import, the
bridge's configuration); a live tessera exchanges every live session for a token pair with no new
login. Expired, forged, foreign-secret and replayed sessions are refused with problem JSON and an
audited reason; the users' Flask passwords log in at tessera."""

import itertools
import json
import secrets
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import httpx
import pytest
from flask import Flask
from redis import Redis

from tests.support.flask_site.app import add_user, create_app
from tests.support.http import PASSWORD
from tests.support.recipes import recipe_blocks, replaced
from tests.support.served import REPOSITORY, environment, serving, upgraded

pytestmark = pytest.mark.served

ROUTE = "/auth/session/exchange"
LIFETIME = 2678400
_LOGINS = itertools.count(1)


@dataclass
class Stack:
    app: Flask
    database_url: str
    redis_url: str | None
    secret: str
    tessera: str
    log: Path

    @property
    def stateful(self) -> bool:
        return self.redis_url is not None

    def flask(self, secret: str | None = None) -> Flask:
        return create_app(self.database_url, [secret or self.secret], self.redis_url)

    def log_in(self, email: str, *, app: Flask | None = None, signed_at: float | None = None) -> str:
        """Flask signs the session's data and the second: two logins of one user in one second make the
        same cookie, which tessera rightly exchanges once. Each cookie login here gets a second of its own."""
        if signed_at is None and not self.stateful:
            signed_at = time.time() - 1000 * next(_LOGINS)  # the clock moves on far less between two logins
        with ExitStack() as stack:
            if signed_at is not None:
                stack.enter_context(mock.patch("itsdangerous.timed.time.time", return_value=signed_at))
            browser = (app or self.app).test_client()
            response = browser.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 200, response.text
        expired = signed_at is not None and signed_at < time.time() - LIFETIME
        assert browser.get("/me").status_code == (401 if expired else 200)
        cookie = browser.get_cookie("session")
        assert cookie is not None
        return cookie.value

    def visit(self, cookie: str, app: Flask | None = None) -> int:
        browser = (app or self.app).test_client()
        browser.set_cookie("session", cookie)
        return browser.get("/me").status_code

    def exchange(self, cookie: str) -> httpx.Response:
        return httpx.post(f"{self.tessera}{ROUTE}", json={"legacy_session_id": cookie}, timeout=30)

    def refusals(self) -> list[str]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line[line.index("{") :])["detail"] for line in lines if "legacy_session_refused" in line]

    def refused(self, count_before: int, count: int = 1) -> str:
        """The reason of the last of `count` refusals audited after `count_before` others (the log is
        written as the server flushes it: waited for, up to 10 s)."""
        deadline = time.monotonic() + 10
        while len(reasons := self.refusals()) < count_before + count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(reasons) == count_before + count, reasons
        return reasons[-1]


def _run(block: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"{block}\n---\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module", params=["cookie", pytest.param("flask-session-redis", marks=pytest.mark.redis)])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp(f"flask-{request.param}")
    secret = secrets.token_urlsafe(32)
    secret_file = work / "flask-secret-key"
    secret_file.write_text(secret + "\n")
    database_url = f"sqlite:///{work / 'app.db'}"
    redis_url = request.getfixturevalue("redis_url") if request.param != "cookie" else None
    app = create_app(database_url, [secret], redis_url)
    add_user(app, "ada@example.com", PASSWORD, name="Ada Lovelace")
    add_user(app, "grace@example.com", PASSWORD, is_admin=True)
    add_user(app, "gone@example.com", PASSWORD, active=False)

    env = {**environment(work), "TESSERA_SOURCE": str(REPOSITORY)}
    upgraded(env, work)
    blocks = recipe_blocks("flask")
    assert [language for language, _ in blocks] == ["sh", "sh", "sh"]
    (_, export), (_, import_), (_, configure) = blocks
    _run(replaced(export, {"sqlite:////srv/flaskapp/app.db": database_url}), work, env)
    _run(import_, work, env)
    store = "flask-cookie:" if redis_url is None else f"flask-session+{redis_url}"
    secret_line = f"export TESSERA_LEGACY_SECRET_FILE={secret_file}" if redis_url is None else ""  # no use_signer
    configured = _run(
        replaced(
            configure,
            {"export TESSERA_LEGACY_SECRET_FILE=/run/secrets/flask-secret-key": secret_line, "flask-cookie:": store},
        )
        + "\nenv | grep '^TESSERA_LEGACY_' > bridge.env",
        work,
        env,
    )
    assert "legacy_bridge.store_url = flask-" in configured and secret not in configured
    bridge = dict(line.split("=", 1) for line in (work / "bridge.env").read_text().splitlines())
    log = work / "serve.log"
    with serving({**env, **bridge}, work, log_path=log) as base:
        yield Stack(app, database_url, redis_url, secret, base, log)


def test_every_live_flask_login_becomes_a_token_pair_without_a_new_login(stack: Stack) -> None:
    for email in ("ada@example.com", "grace@example.com"):
        cookie = stack.log_in(email)
        response = stack.exchange(cookie)
        assert response.status_code == 200, response.text
        access = response.json()["access_token"]
        profile = httpx.get(
            f"{stack.tessera}/api/user/profile", headers={"Authorization": f"Bearer {access}"}, timeout=10
        )
        assert profile.json()["email"] == email


def test_an_exchanged_flask_session_is_refused_when_replayed(stack: Stack) -> None:
    cookie = stack.log_in("ada@example.com")
    assert stack.exchange(cookie).status_code == 200
    if stack.stateful:
        assert stack.visit(cookie) == 401, "Flask-Session no longer holds the exchanged session"
    before = len(stack.refusals())
    again = stack.exchange(cookie)
    assert again.status_code == 401 and again.headers["content-type"] == "application/problem+json"
    assert again.headers["www-authenticate"] == 'Cookie realm="tessera", cookie-name="session"'
    assert stack.refused(before) == ("unknown" if stack.stateful else "replayed")


def test_parallel_exchanges_of_one_flask_session_succeed_exactly_once(stack: Stack) -> None:
    cookie = stack.log_in("ada@example.com")
    before = len(stack.refusals())
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: stack.exchange(cookie).status_code, range(6)))
    assert statuses == [200] + [401] * 5
    assert stack.refused(before, count=5) in ("unknown", "replayed")


def test_an_expired_flask_session_is_refused(stack: Stack) -> None:
    if stack.redis_url is None:
        cookie = stack.log_in("ada@example.com", signed_at=time.time() - LIFETIME - 60)
        expected = "expired"
    else:
        cookie = stack.log_in("ada@example.com")
        client = Redis.from_url(stack.redis_url)
        client.pexpire(f"session:{cookie}", 1)
        time.sleep(0.05)  # Redis drops a key whose 1 ms TTL ran out when next touched
        expected = "unknown"
    before = len(stack.refusals())
    response = stack.exchange(cookie)
    assert response.status_code == 401 and response.json()["status"] == 401
    assert stack.refused(before) == expected


def test_a_forged_flask_cookie_is_refused_and_the_real_one_still_works(stack: Stack) -> None:
    cookie = stack.log_in("ada@example.com")
    if stack.stateful:
        forged, expected = secrets.token_urlsafe(32), "unknown"
    else:
        payload, stamp, signature = cookie.rsplit(".", 2)
        forged, expected = (
            f"{payload[:-2]}{'AA' if not payload.endswith('AA') else 'BB'}.{stamp}.{signature}",
            "bad_signature",
        )
    before = len(stack.refusals())
    response = stack.exchange(forged)
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    assert stack.refused(before) == expected
    assert stack.exchange(cookie).status_code == 200


def test_a_cookie_signed_with_another_secret_is_refused(stack: Stack) -> None:
    if stack.stateful:
        pytest.skip("Flask-Session's id is unsigned unless SESSION_USE_SIGNER (the contract suite covers it)")
    foreign = stack.flask(secret=secrets.token_urlsafe(32))
    cookie = stack.log_in("ada@example.com", app=foreign)
    before = len(stack.refusals())
    assert stack.exchange(cookie).status_code == 401
    assert stack.refused(before) == "bad_signature"
    assert stack.visit(cookie, app=foreign) == 200


def test_the_users_flask_passwords_log_in_at_tessera(stack: Stack) -> None:
    response = httpx.post(
        f"{stack.tessera}/auth/login", json={"email": "ada@example.com", "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    gone = httpx.post(
        f"{stack.tessera}/auth/login", json={"email": "gone@example.com", "password": PASSWORD}, timeout=30
    )
    assert gone.status_code in (401, 403)
