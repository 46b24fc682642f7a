"""The migration of a real Django project, end to end: its users log in the Django way
(`authenticate` + `login`, through Django's middleware, on each session backend), the migration
guide's Django recipe runs command by command (export, import, the database grant, the bridge's
configuration), and a live tessera exchanges every live session for a token pair with no new login.
Expired, forged, foreign-secret and replayed sessions are refused with problem JSON and an audited
reason; the users' Django passwords log in at tessera.

Backends: `db` on SQLite and on PostgreSQL (the suite's cluster, the bridge connecting as the
guide's least-privileged role), `cached_db` (on SQLite, Django's default local-memory cache), `file`,
and `signed_cookies`."""

import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.support.http import PASSWORD
from tests.support.recipes import recipe_blocks, replaced
from tests.support.served import REPOSITORY, environment, serving, upgraded

pytestmark = pytest.mark.served

SITE = Path(__file__).resolve().parents[1] / "support" / "django_site"
ROUTE = "/auth/session/exchange"
BIN = Path(sys.executable).parent


@dataclass
class Django:
    """The legacy project: a copy of tests/support/django_site, run with `manage.py`."""

    directory: Path
    env: dict[str, str]

    def manage(self, *args: str, secret_file: Path | None = None) -> str:
        env = self.env if secret_file is None else {**self.env, "LEGACY_SECRET_FILE": str(secret_file)}
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def log_in(self, username: str, *, aged: int = 0, secret_file: Path | None = None, password: str = PASSWORD) -> str:
        out = self.manage("browse", username, password, "--aged", str(aged), secret_file=secret_file)
        return str(json.loads(out)["cookie"])

    def visit(self, cookie: str, secret_file: Path | None = None) -> int:
        return int(self.manage("visit", cookie, secret_file=secret_file))


@dataclass
class Stack:
    django: Django
    tessera: str
    log: Path
    stateful: bool
    export: str
    """The recipe's export block, ready to run in the project's directory."""
    tessera_env: dict[str, str]
    consumes: bool = True
    """Whether an exchange deletes the row: not with a read-only role (`TESSERA_LEGACY_READ_ONLY`)."""

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


def _postgres_database(admin_url: str) -> tuple[str, str]:
    """A fresh database for the Django project on the suite's cluster: (Django's URL, its name)."""
    name = f"mysite_{uuid.uuid4().hex[:10]}"
    libpq = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return libpq.rsplit("/", 1)[0] + f"/{name}", name


@pytest.fixture(
    scope="module",
    params=[
        "db-sqlite",
        pytest.param("db-postgres", marks=pytest.mark.postgres),
        pytest.param("db-postgres-read-only", marks=pytest.mark.postgres),
        "cached-db",
        "file",
        "signed-cookies",
    ],
)
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    backend: str = request.param
    work = tmp_path_factory.mktemp(f"django-{backend}")
    project = work / "mysite"
    shutil.copytree(SITE, project)
    secret_file = work / "django-secret-key"
    secret_file.write_text(f"django-insecure-{secrets.token_urlsafe(40)}\n")
    database = str(work / "db.sqlite3")
    read_only = backend.endswith("read-only")
    if backend.startswith("db-postgres"):
        database, name = _postgres_database(request.getfixturevalue("postgres_url"))
    engine = {"db-sqlite": "db", "db-postgres": "db", "cached-db": "cached_db", "file": "file"}.get(
        backend.removesuffix("-read-only"), "signed_cookies"
    )
    (work / "sessions").mkdir()
    django = Django(
        project,
        {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TESSERA_", "DJANGO_"))},
            "PATH": f"{BIN}:{os.environ['PATH']}",
            "LEGACY_DATABASE": database,
            "LEGACY_SECRET_FILE": str(secret_file),
            "LEGACY_SESSION_ENGINE": engine,
            "LEGACY_SESSION_FILE_PATH": str(work / "sessions"),
        },
    )
    django.manage("migrate", "-v", "0")
    django.manage("seed_users", PASSWORD)

    tessera_env = {**environment(work), "PATH": django.env["PATH"], "TESSERA_SOURCE": str(REPOSITORY)}
    upgraded(tessera_env, work)
    blocks = recipe_blocks("django")
    assert [language for language, _ in blocks] == ["sh", "sh", "sql", "sh"]
    (_, export), (_, import_), (_, grant), (_, configure) = blocks
    export = replaced(export, {"mysite.settings": "legacy_site.settings"})
    _run(export, project, {**django.env, **tessera_env})
    _run(import_, project, tessera_env)
    if backend.startswith("db-postgres"):
        if read_only:  # the role the guide gives a read-only bridge: SELECT alone
            grant = grant.replace("SELECT, INSERT, DELETE", "SELECT")
        with psycopg.connect(database, autocommit=True) as connection:
            for statement in filter(str.strip, grant.split(";")):
                connection.execute(statement.replace("tessera_bridge", f"tessera_bridge_{name}"))
        host = database.split("@", 1)[1].rsplit("/", 1)[0]
        bridge_url = f"django-db+postgresql://tessera_bridge_{name}:choose-one@{host}/{name}"
    else:
        bridge_url = {
            "db-sqlite": f"django-db+sqlite:///{database}",
            "cached-db": f"django-cached-db+sqlite:///{database}",
            "file": f"django-file://{work / 'sessions'}",
            "signed-cookies": "django-signed-cookies:",
        }[backend]
    example_url = "django-db+postgresql://tessera_bridge:choose-one@db.internal:5432/mysite"
    configured = _run(
        replaced(configure, {"/run/secrets/django-secret-key": str(secret_file), example_url: bridge_url})
        + "\nenv | grep -E '^TESSERA_(LEGACY|LOGIN)_' > bridge.env",
        work,
        tessera_env,
    )
    assert "legacy_bridge.store_url = django-" in configured and "django-insecure" not in configured
    bridge = dict(line.split("=", 1) for line in (work / "bridge.env").read_text().splitlines())
    if read_only:
        bridge["TESSERA_LEGACY_READ_ONLY"] = "true"
    log = work / "serve.log"
    with serving({**tessera_env, **bridge}, work, log_path=log) as base:
        stateful = backend != "signed-cookies"
        yield Stack(django, base, log, stateful, export, {**tessera_env, **bridge}, stateful and not read_only)


def test_every_live_django_session_becomes_a_token_pair_without_a_new_login(stack: Stack) -> None:
    for username, email in (("ada", "ada@example.com"), ("grace", "grace@example.com"), ("root", "root@example.com")):
        cookie = stack.django.log_in(username)
        response = stack.exchange(cookie)
        assert response.status_code == 200, response.text
        access = response.json()["access_token"]
        profile = httpx.get(
            f"{stack.tessera}/api/user/profile", headers={"Authorization": f"Bearer {access}"}, timeout=10
        )
        assert profile.json()["email"] == email
        assert (
            set(_claims(access)["roles"])
            == {"ada": set(), "grace": {"staff", "editors"}, "root": {"admin", "staff"}}[username]
        )


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_an_exchanged_session_is_gone_from_django_and_refused_when_replayed(stack: Stack) -> None:
    cookie = stack.django.log_in("ada")
    assert stack.exchange(cookie).status_code == 200
    if stack.consumes:
        assert stack.django.visit(cookie) == 401, "Django no longer knows the exchanged session"
    elif stack.stateful:
        assert stack.django.visit(cookie) == 200, "a read-only bridge leaves the row to Django"
    before = len(stack.refusals())
    again = stack.exchange(cookie)
    assert again.status_code == 401 and again.headers["content-type"] == "application/problem+json"
    assert again.headers["www-authenticate"] == 'Cookie realm="tessera", cookie-name="sessionid"'
    assert stack.refused(before) == ("unknown" if stack.consumes else "replayed")


def test_parallel_exchanges_of_one_django_session_succeed_exactly_once(stack: Stack) -> None:
    cookie = stack.django.log_in("ada")
    before = len(stack.refusals())
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: stack.exchange(cookie).status_code, range(6)))
    assert statuses == [200] + [401] * 5
    assert stack.refused(before, count=5) in ("unknown", "replayed")


def test_an_expired_django_session_is_refused_as_expired(stack: Stack) -> None:
    cookie = stack.django.log_in("ada", aged=1209600 + 60)
    before = len(stack.refusals())
    response = stack.exchange(cookie)
    assert response.status_code == 401 and response.json()["status"] == 401
    assert stack.refused(before) == "expired"


def test_a_forged_django_cookie_is_refused(stack: Stack) -> None:
    cookie = stack.django.log_in("ada")
    forged = secrets.token_hex(16) if stack.stateful else cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    before = len(stack.refusals())
    response = stack.exchange(forged)
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    assert stack.refused(before) == ("unknown" if stack.stateful else "bad_signature")
    assert stack.exchange(cookie).status_code == 200, "the real session was left as it was"


def test_a_session_signed_with_another_secret_is_refused_and_left_to_django(stack: Stack, tmp_path: Path) -> None:
    foreign = tmp_path / "another-project-secret"
    foreign.write_text(f"django-insecure-{secrets.token_urlsafe(40)}\n")
    cookie = stack.django.log_in("ada", secret_file=foreign)
    before = len(stack.refusals())
    response = stack.exchange(cookie)
    assert response.status_code == 401
    assert stack.refused(before) == "bad_signature"
    assert stack.django.visit(cookie, secret_file=foreign) == 200, "nothing was consumed"


def test_the_users_django_passwords_log_in_at_tessera_by_email_or_by_their_django_username(stack: Stack) -> None:
    for identifier in ({"email": "ada@example.com"}, {"username": "grace"}, {"identifier": "Ada"}):
        response = httpx.post(f"{stack.tessera}/auth/login", json={**identifier, "password": PASSWORD}, timeout=30)
        assert response.status_code == 200, response.text
    gone = httpx.post(
        f"{stack.tessera}/auth/login", json={"email": "gone@example.com", "password": PASSWORD}, timeout=30
    )
    assert gone.status_code in (401, 403)


def test_a_session_made_before_a_password_change_is_refused_once_tessera_holds_the_new_hash(stack: Stack) -> None:
    """As Django's `get_user` compares `_auth_user_hash`: the password changed on the Django side,
    the users were exported and imported again (`--update`), so the old session is void."""
    before_change = stack.django.log_in("root")
    stack.django.manage("set_password", "root", "a-new-password-for-root")
    _run(stack.export, stack.django.directory, {**stack.django.env, **stack.tessera_env})
    imported = _run("tessera users import --update users.jsonl", stack.django.directory, stack.tessera_env)
    assert "Traceback" not in imported
    before = len(stack.refusals())
    response = stack.exchange(before_change)
    assert response.status_code == 401
    assert stack.refused(before) == "password_changed"
    after_change = stack.django.log_in("root", password="a-new-password-for-root")
    assert stack.exchange(after_change).status_code == 200
