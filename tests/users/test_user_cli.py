"""`tessera users ...` on a migrated SQLite file, and as a separate process against a served tessera."""

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.cli.main import main
from entrypoints.http.app import create_app
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.served import environment, serving, tessera, upgraded

pytestmark = [pytest.mark.app, pytest.mark.served]

UsersCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def users_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sqlite_url: str) -> UsersCli:
    """`tessera users ARGS` in this process (the same `main` as the installed command): exit code, stdout, stderr."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", sqlite_url)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["users", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _users(users_cli: UsersCli) -> dict[str, list[str]]:
    """`users list`, by email: [state, roles]."""
    code, out, err = users_cli("list")
    assert code == 0, err
    return {row.split()[1]: [row.split()[2], row.split()[4]] for row in out.splitlines()[1:]}


def test_users_are_created_from_a_password_on_stdin_and_their_roles_and_state_changed(users_cli: UsersCli) -> None:
    code, out, err = users_cli(
        "create", "Root@Example.com", "--role", "admin", "--role", "support", stdin=PASSWORD + "\n"
    )
    assert code == 0, err
    assert PASSWORD not in out + err
    assert _users(users_cli) == {"root@example.com": ["active", "admin,support"]}

    assert users_cli("revoke-role", "root@example.com", "support")[0] == 0
    assert users_cli("grant", "root@example.com", "ops.read")[0] == 0
    assert users_cli("disable", "root@example.com")[0] == 0
    assert _users(users_cli) == {"root@example.com": ["disabled", "admin,ops.read"]}
    assert users_cli("enable", "root@example.com")[0] == 0
    assert _users(users_cli)["root@example.com"][0] == "active"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("grant", "nobody@example.com", "admin"), "", "no such user"),
        (("disable", "nobody@example.com"), "", "no such user"),
        (("grant", "not-an-email", "admin"), "", "email address is not valid"),
        (("grant", "root@example.com", "Admin"), "", "A role is"),
        (("create", "eve@example.com", "--role", "BAD ROLE"), PASSWORD, "A role is"),
        (("create", "eve@example.com"), "short\n", "password must be"),
        (("create", "root@example.com"), PASSWORD, "already exists"),
    ],
)
def test_a_bad_email_role_password_or_unknown_user_is_one_line_exit_1_and_changes_nothing(
    users_cli: UsersCli, args: tuple[str, ...], stdin: str, message: str
) -> None:
    assert users_cli("create", "root@example.com", stdin=PASSWORD)[0] == 0
    before = _users(users_cli)

    code, _, err = users_cli(*args, stdin=stdin)

    assert code == 1
    assert err.count("\n") == 1 and message in err, err
    assert _users(users_cli) == before


def test_disabling_at_the_command_line_ends_the_sessions_of_a_served_tessera(tmp_path: Path) -> None:
    env = environment(tmp_path)
    upgraded(env, tmp_path)
    assert tessera("users", "create", "ada@example.com", env=env, cwd=tmp_path, input=PASSWORD).returncode == 0
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    with serving(env, tmp_path) as base, httpx.Client(base_url=base, timeout=10) as http:
        tokens = http.post("/auth/login", json=credentials).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert http.get("/api/user/session", headers=bearer).status_code == 200

        assert tessera("users", "disable", "ada@example.com", env=env, cwd=tmp_path).returncode == 0

        deadline = time.monotonic() + 10  # the revocation poll is 1 s by default
        while http.get("/api/user/session", headers=bearer).status_code != 401:
            assert time.monotonic() < deadline, "the served tessera still accepts the disabled user's token"
            time.sleep(0.1)
        assert http.post("/auth/login", json=credentials).status_code == 403
        assert http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_an_operator_sets_and_clears_a_users_claims_and_bad_claims_are_one_line(users_cli: UsersCli) -> None:
    assert users_cli("create", "ada@example.com", stdin=PASSWORD + "\n")[0] == 0

    code, out, err = users_cli("claims", "ada@example.com", '{"tenant": "acme", "permissions": ["a"]}')
    assert (code, out) == (0, 'tessera: ada@example.com has claims: {"permissions":["a"],"tenant":"acme"}\n'), err

    for bad, message in [("{not json", "not valid JSON"), ('{"sub": "x"}', "reserved: sub"), ("[1]", "JSON object")]:
        code, out, err = users_cli("claims", "ada@example.com", bad)
        assert (code, out) == (1, "")
        assert err.startswith("tessera: ") and message in err and len(err.splitlines()) == 1
    assert users_cli("claims", "nobody@example.com", "{}")[0] == 1
    assert users_cli("claims", "ada@example.com", "{}")[1] == "tessera: ada@example.com has claims: {}\n"


def test_an_import_file_that_cannot_be_read_is_one_line_and_exit_2(users_cli: UsersCli, tmp_path: Path) -> None:
    code, out, err = users_cli("import", str(tmp_path / "missing.jsonl"))
    assert (code, out) == (2, "") and err.startswith("tessera: cannot read") and len(err.splitlines()) == 1
    (tmp_path / "latin1.jsonl").write_bytes(b'{"id": "\xe9"}\n')
    code, _, err = users_cli("import", str(tmp_path / "latin1.jsonl"))
    assert (code, err) == (2, f"tessera: {tmp_path / 'latin1.jsonl'} is not UTF-8 text\n")


def test_an_import_reads_stdin_with_a_dash_and_prints_no_progress_off_a_terminal(users_cli: UsersCli) -> None:
    line = '{"id": "6f1c2a9e-8d1b-4b7a-9a56-0c2e4d6f8a10", "email": "piped@example.com"}\n'
    code, out, err = users_cli("import", "-", stdin=line)
    assert (code, err) == (0, "")
    assert out == "tessera: imported 1 lines: 1 created, 0 updated, 0 unchanged, 0 refused\n"
    assert _users(users_cli) == {"piped@example.com": ["active", "-"]}


def test_an_operator_reset_link_sets_a_new_password_once(users_cli: UsersCli, sqlite_url: str, tmp_path: Path) -> None:
    assert users_cli("create", "ada@example.com", stdin=PASSWORD + "\n")[0] == 0

    code, out, err = users_cli("reset-link", "Ada@Example.com")

    assert code == 0, err
    link = out.strip()
    assert link.startswith("http://localhost:8000/reset-password?token=") and "30 minutes" in err
    token = link.split("token=", 1)[1]
    assert len(token) >= 43  # 256 bits, URL-safe base64
    assert users_cli("reset-link", "nobody@example.com")[:2] == (1, "")

    async def confirm() -> list[int]:
        settings = settings_for_tests(sqlite_url, tmp_path)
        async with AsyncTestClient(create_app(settings)) as client:
            body = {"token": token, "new_password": "a brand new passphrase"}
            first = await client.post("/auth/password-reset/confirm", json=body)
            second = await client.post("/auth/password-reset/confirm", json=body)
            login = await client.post(
                "/auth/login", json={"email": "ada@example.com", "password": "a brand new passphrase"}
            )
            return [first.status_code, second.status_code, login.status_code]

    assert asyncio.run(confirm()) == [204, 400, 200]
