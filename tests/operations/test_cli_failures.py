"""Every `tessera` failure is one line on stderr, with an exit status that says which kind it is:
2 usage, 78 configuration (or a schema that needs `tessera db upgrade`), 69 database unavailable."""

import asyncio
import base64
import io
import secrets
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from entrypoints.cli import exit_codes
from entrypoints.cli.main import main
from tests.support.served import environment, tessera

pytestmark = pytest.mark.app

DATABASE_COMMANDS = [["users", "list"], ["users", "create", "ada@example.com"], ["purge"], ["keys", "list"]]


@pytest.fixture
def empty_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("TESSERA_KEY_ENCRYPTION_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    monkeypatch.setenv("TESSERA_ISSUER", "https://auth.example.com")  # else a warning that it is unset comes first
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_a_command_on_an_empty_database_stops_in_one_line_naming_db_upgrade(
    empty_database: None, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == exit_codes.CONFIG

    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "run `tessera db upgrade`" in captured.err and "Traceback" not in captured.err


def test_db_upgrade_is_quiet_unless_verbose(tmp_path: Path) -> None:
    env = environment(tmp_path)

    quiet = tessera("db", "upgrade", env=env, cwd=tmp_path)
    (tmp_path / "tessera.db").unlink()
    verbose = tessera("--verbose", "db", "upgrade", env=env, cwd=tmp_path)

    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "tessera: database schema is up to date\n", "")
    assert verbose.returncode == 0 and "Running upgrade" in verbose.stderr


@pytest.mark.parametrize("content", [None, "not a key\n"], ids=["missing", "not a key"])
def test_a_missing_or_wrong_key_file_is_named_by_its_variable(
    content: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key_file = tmp_path / "signing.pem"
    if content is not None:
        key_file.write_text(content)
    monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")
    monkeypatch.setenv("TESSERA_SIGNING_KEY_FILE", str(key_file))
    monkeypatch.setenv("TESSERA_ISSUER", "https://auth.example.com")

    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tessera: configuration error: TESSERA_SIGNING_KEY_FILE: ")


def test_usage_configuration_and_an_unavailable_database_exit_with_distinct_statuses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["users", "no-such-command"])
    monkeypatch.setenv("TESSERA_DATABASE_URL", "mysql://db/tessera")
    configuration = main(["users", "list"])
    monkeypatch.setenv("TESSERA_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    unavailable = main(["users", "list"])

    assert (usage.value.code, configuration, unavailable) == (2, 78, 69)
    assert capsys.readouterr().err.count("tessera: ") == 2  # argparse's usage lines aside, one line each


def test_a_store_inside_serve_is_a_configuration_error_of_the_database_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")
    assert main(["users", "list"]) == exit_codes.CONFIG
    assert "TESSERA_DATABASE_URL" in capsys.readouterr().err


@pytest.mark.postgres
def test_users_list_on_an_empty_postgresql_database_names_db_upgrade_not_a_missing_table(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = _fresh_database(postgres_url)
    monkeypatch.setenv("TESSERA_DATABASE_URL", empty)

    assert main(["users", "list"]) == exit_codes.CONFIG

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run `tessera db upgrade`" in err and "UndefinedTable" not in err


def test_a_kid_after_the_verbose_option_is_still_a_kid(
    empty_database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["--verbose", "keys", "retire", "-POVzdpKGwROCkFFklwKOs_dV5GzGN1IDLnXjo28idA"]) == exit_codes.REFUSED
    assert "no such signing key" in capsys.readouterr().err


def _fresh_database(url: str) -> str:
    """A new, empty database on the test PostgreSQL server; its URL."""
    name = f"empty_{secrets.token_hex(4)}"
    server = make_url(url)

    async def create() -> None:
        connection = await asyncpg.connect(server.set(drivername="postgresql").render_as_string(hide_password=False))
        try:
            await connection.execute(f"CREATE DATABASE {name}")
        finally:
            await connection.close()

    asyncio.run(create())
    return server.set(database=name).render_as_string(hide_password=False)
