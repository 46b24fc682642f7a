"""The migration of an Express app, end to end: users sign up and log in the old way on a real Node
process (express-session on connect-redis, passport-local over a SQLite users table with bcryptjs
hashes: tests/legacy/express_app/app.js), the guide's Express recipe (docs/migration-guide.md, run as
written) exports them and imports them into tessera and turns the bridge on, and each user's
`connect.sid` cookie is exchanged at a live tessera for a token pair, with no new login.

Refused, each with problem JSON and its reason in the audit log: a cookie whose session has
expired, one with a tampered signature, one signed by another app's secret, and a replayed one."""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from tests.support.express import running_express
from tests.support.served import environment, serving, upgraded

pytestmark = [pytest.mark.redis, pytest.mark.served]
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migration-guide.md"
START, END = "<!-- recipe express: start -->", "<!-- recipe express: end -->"
_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ROUTE = "/auth/session/exchange"
ENVIRONMENT = "-- the environment the recipe made --"
PASSWORDS = {
    "ada@example.com": "ada's old express password",
    "grace@example.com": "grace's old express password",
    "joan@example.com": "joan's old express password",
    "anna@example.com": "anna's old express password",
}
CURRENT, PREVIOUS, FOREIGN = "express secret of today", "express secret of last year", "another app's secret"


def recipe_blocks() -> list[str]:
    """The `sh` blocks of the guide's Express recipe, in order."""
    text = GUIDE.read_text()
    return _BLOCK.findall(text[text.index(START) : text.index(END)])


@dataclass
class Stack:
    tessera: str
    app: str
    """The Express app, signing with the current secret and accepting the previous one."""
    old_app: str
    """The same app as it ran before the secret was rotated: it signs with the previous secret."""
    foreign_app: str
    """Another Express app on the same Redis, with a secret of its own."""
    short_app: str
    """The app with one-second sessions and keys without a Redis TTL (connect-redis `disableTTL`)."""
    log: Path
    recipe_env: dict[str, str]
    legacy_ids: dict[str, int] = field(default_factory=dict)

    def audited_refusals(self) -> list[str]:
        lines = [line for line in self.log.read_text().splitlines() if "tessera.audit" in line]
        events = [json.loads(line[line.index("{") :]) for line in lines]
        return [event.get("detail") for event in events if event["event"] == "legacy_session_refused"]

    def refusal_of(self, cookie: str) -> str:
        """Exchanges the cookie, which must be refused (401, problem JSON); the reason tessera audited for it
        (its log line may follow the answer by a moment)."""
        seen = len(self.audited_refusals())
        assert_refused(self.exchange(cookie), 401)
        deadline = time.monotonic() + 5
        while len(refusals := self.audited_refusals()) <= seen:
            assert time.monotonic() < deadline, "no legacy_session_refused line within 5 s of the answer"
            time.sleep(0.05)
        return refusals[seen]

    def exchange(self, cookie: str) -> httpx.Response:
        """As a server-side caller that read the browser's cookie: the value in the body, the tokens in the answer's."""
        return httpx.post(f"{self.tessera}{ROUTE}", json={"legacy_session_id": cookie}, timeout=10)


def browser(app: str) -> httpx.Client:
    return httpx.Client(base_url=app, timeout=10)


def log_in_the_old_way(browser: httpx.Client, email: str) -> str:
    """The browser logged in to the Express app with the user's password; its connect.sid cookie as sent."""
    response = browser.post("/login", json={"email": email, "password": PASSWORDS[email], "remember": True})
    assert response.status_code == 200, response.text
    assert browser.get("/me").json()["email"] == email
    return str(browser.cookies["connect.sid"])


def run_recipe_block(block: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def stack(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("express-migration")
    users_db = workdir / "app.db"
    secrets_file = workdir / "express-session-secrets"
    secrets_file.write_text(f"{CURRENT}\n{PREVIOUS}\n")
    with contextlib.ExitStack() as running:
        app = running.enter_context(running_express(workdir, redis_url, [CURRENT, PREVIOUS], users_db=users_db))
        legacy_ids = {}
        for email, password in PASSWORDS.items():
            signed_up = httpx.post(f"{app}/signup", json={"email": email, "password": password}, timeout=30)
            assert signed_up.status_code == 201, signed_up.text
            legacy_ids[email] = signed_up.json()["id"]
        # the same app and users table (read at start), as configured before the rotation or with short sessions
        old_app = running.enter_context(running_express(workdir, redis_url, [PREVIOUS], users_db=users_db))
        short_app = running.enter_context(
            running_express(workdir, redis_url, [CURRENT], users_db=users_db, max_age_ms=1000, disable_ttl=True)
        )
        foreign_app = running.enter_context(running_express(workdir, redis_url, [FOREIGN], users_db=workdir / "b.db"))
        # the recipe, as written, with this machine's paths and addresses
        env = environment(workdir)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        recipe = [
            block.replace("redis://127.0.0.1:6379/0", redis_url)
            .replace("/run/secrets/express-session-secrets", str(secrets_file))
            .replace("/srv/app/app.db", str(users_db))
            for block in recipe_blocks()
        ]
        assert len(recipe) == 4, "export, import, configure, exchange"
        upgraded(env, workdir)
        for block in recipe[:2]:
            done = run_recipe_block(block, env, workdir)
            assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
        configured = run_recipe_block(f"{recipe[2]}\necho {ENVIRONMENT}\nenv -0", env, workdir)
        assert configured.returncode == 0, configured.stderr
        shown, _, environ = configured.stdout.partition(f"{ENVIRONMENT}\n")
        assert f"legacy_bridge.secret_file = {secrets_file}" in shown and CURRENT not in shown
        bridged = dict(line.split("=", 1) for line in environ.split("\0") if line.startswith("TESSERA_"))
        log = workdir / "tessera.log"
        with serving({**env, **bridged}, workdir, log_path=log) as tessera:
            yield Stack(tessera, app, old_app, foreign_app, short_app, log, {**env, **bridged}, legacy_ids)


def test_every_migrated_user_exchanges_their_express_cookie_once_for_working_tokens(stack: Stack) -> None:
    for email in PASSWORDS:
        with browser(stack.app) as old:
            cookie = log_in_the_old_way(old, email)
            response = stack.exchange(cookie)
            assert response.status_code == 200, response.text
            tokens = response.json()
            bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
            profile = httpx.get(f"{stack.tessera}/api/user/profile", headers=bearer, timeout=10).json()
            assert profile["email"] == email
            refreshed = httpx.post(f"{stack.tessera}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            assert refreshed.status_code == 200
            assert old.get("/me").status_code == 401, "the Express app no longer knows the exchanged cookie"


def test_the_recipes_exchange_command_answers_a_token_pair(stack: Stack, tmp_path: Path) -> None:
    with browser(stack.app) as old:
        cookie = log_in_the_old_way(old, "grace@example.com")
    block = recipe_blocks()[3].replace("https://auth.example.com", stack.tessera)
    done = run_recipe_block(block, {**stack.recipe_env, "CONNECT_SID": cookie}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert {"access_token", "refresh_token"} <= set(json.loads(done.stdout))


def test_a_cookie_signed_with_the_secret_before_rotation_is_exchanged(stack: Stack) -> None:
    with browser(stack.old_app) as old:
        cookie = log_in_the_old_way(old, "joan@example.com")
        assert stack.exchange(cookie).status_code == 200


def test_a_browser_is_answered_in_tessera_cookies_and_its_express_cookie_cleared(stack: Stack) -> None:
    with browser(stack.app) as old:
        cookie = log_in_the_old_way(old, "anna@example.com")
    headers = {"Cookie": f"connect.sid={cookie}", "X-Requested-With": "tessera", "Origin": stack.tessera}
    response = httpx.post(f"{stack.tessera}{ROUTE}", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert "access_token" not in response.text
    set_cookies = response.headers.get_list("set-cookie")
    cleared = [c for c in set_cookies if c.startswith("connect.sid=")]
    assert len(cleared) == 1 and "Max-Age=0" in cleared[0]


def test_a_replayed_cookie_is_refused_as_unknown(stack: Stack) -> None:
    with browser(stack.app) as old:
        cookie = log_in_the_old_way(old, "ada@example.com")
    assert stack.exchange(cookie).status_code == 200
    assert stack.refusal_of(cookie) == "unknown"


def test_of_parallel_exchanges_of_one_cookie_exactly_one_succeeds(stack: Stack) -> None:
    with browser(stack.app) as old:
        cookie = log_in_the_old_way(old, "grace@example.com")
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: stack.exchange(cookie).status_code, range(8)))
    assert statuses == [200] + [401] * 7


def test_a_tampered_signature_is_refused_and_leaves_the_session_to_the_express_app(stack: Stack) -> None:
    with browser(stack.app) as old:
        cookie = log_in_the_old_way(old, "ada@example.com")
        tampered = cookie[:-1] + ("A" if cookie[-1] != "A" else "B")
        assert stack.refusal_of(tampered) == "bad_signature"
        assert old.get("/me").json()["email"] == "ada@example.com", "a forged cookie consumes nothing"


def test_a_cookie_signed_by_another_apps_secret_is_refused(stack: Stack) -> None:
    with httpx.Client(base_url=stack.foreign_app, timeout=10) as foreign:
        signup = {"email": "ada@example.com", "password": PASSWORDS["ada@example.com"]}
        assert foreign.post("/signup", json=signup).status_code in (201, 400)
        assert foreign.post("/login", json=signup).status_code == 200
        assert stack.refusal_of(str(foreign.cookies["connect.sid"])) == "bad_signature"


def test_an_expired_session_is_refused_as_expired(stack: Stack) -> None:
    with browser(stack.short_app) as short:
        login = short.post("/login", json={"email": "ada@example.com", "password": PASSWORDS["ada@example.com"]})
        assert login.status_code == 200
        cookie = str(short.cookies["connect.sid"])
        expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", login.headers["set-cookie"])[1])  # type: ignore[index]
    deadline = time.monotonic() + 5
    while datetime.now(UTC) <= expires + timedelta(seconds=1):  # Expires is to the second; express's own, to the ms
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert stack.refusal_of(cookie) == "expired"


def test_a_migrated_users_old_password_logs_in_at_tessera(stack: Stack) -> None:
    for email, password in PASSWORDS.items():
        response = httpx.post(f"{stack.tessera}/auth/login", json={"email": email, "password": password}, timeout=30)
        assert response.status_code == 200, response.text


def test_the_import_kept_passports_user_ids_as_legacy_ids(stack: Stack) -> None:
    import sqlite3

    database = stack.recipe_env["TESSERA_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        stored = dict(connection.execute("SELECT email, legacy_id FROM users").fetchall())
    assert stored == {email: str(legacy_id) for email, legacy_id in stack.legacy_ids.items()}


def assert_refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status


def test_no_cookie_session_id_or_secret_reaches_tesseras_log(stack: Stack) -> None:
    with browser(stack.app) as old:
        cookie = log_in_the_old_way(old, "grace@example.com")
    assert stack.exchange(cookie).status_code == 200
    assert stack.refusal_of(cookie) == "unknown"  # and the log holds this exchange's lines
    session_id = unquote(cookie).removeprefix("s:").rpartition(".")[0]
    log = stack.log.read_text()
    for secret in (cookie, unquote(cookie), session_id, CURRENT, PREVIOUS):
        assert secret not in log
