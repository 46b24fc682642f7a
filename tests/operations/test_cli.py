"""The `tessera` command's key management and purge, on a migrated SQLite file."""

import base64
import io
import secrets
from pathlib import Path

import pytest

from domain.clients import TrustedClients, parse_trusted_clients
from entrypoints.cli import exit_codes
from entrypoints.cli.main import main
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app


@pytest.fixture
def shared_keys_env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TESSERA_KEY_ENCRYPTION_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    monkeypatch.setenv("TESSERA_KEY_PROPAGATION_SECONDS", "300")
    monkeypatch.setenv("TESSERA_ISSUER", "https://auth.example.com")  # else every command warns that it is unset


def test_keys_rotate_then_list_shows_the_new_key_pending_beside_the_signing_one(
    shared_keys_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate", "--now"]) == 0
    assert main(["keys", "rotate"]) == 0
    capsys.readouterr()

    assert main(["keys", "list"]) == 0

    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert [row.split()[2] for row in rows] == ["signing", "pending"]


def test_keys_retire_refuses_the_only_signing_key_and_an_unknown_one(
    shared_keys_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate", "--now"]) == 0
    kid = capsys.readouterr().out.split()[3]

    assert main(["keys", "retire", kid]) == 1
    assert "signs now" in capsys.readouterr().err
    assert main(["keys", "retire", "no-such-kid"]) == 1
    assert main(["keys", "rotate", "--now"]) == 0
    assert main(["keys", "retire", kid]) == 0


def test_a_kid_that_starts_with_a_dash_is_a_kid_not_an_option(
    shared_keys_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate", "--now"]) == 0
    capsys.readouterr()

    assert main(["keys", "retire", "-POVzdpKGwROCkFFklwKOs_dV5GzGN1IDLnXjo28idA"]) == 1

    assert "no such signing key" in capsys.readouterr().err


def test_keys_commands_explain_that_a_key_file_is_not_managed_here(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("TESSERA_KEY_ENCRYPTION_KEY", raising=False)
    assert main(["keys", "list"]) == exit_codes.CONFIG
    assert "TESSERA_KEY_ENCRYPTION_KEY" in capsys.readouterr().err


def test_a_key_encryption_key_that_is_not_32_bytes_stops_start_up_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_KEY_ENCRYPTION_KEY", "too-short")
    assert main(["keys", "list"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert "TESSERA_KEY_ENCRYPTION_KEY" in err and err.count("\n") == 1


def test_purge_runs_on_a_migrated_database_and_reports_an_unreachable_one_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", sqlite_url)
    assert main(["purge"]) == 0
    assert "purged 0" in capsys.readouterr().out

    monkeypatch.setenv("TESSERA_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["purge"]) == exit_codes.UNAVAILABLE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_serve_with_a_key_encryption_key_that_does_not_open_the_keys_stops_in_one_line(
    shared_keys_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate", "--now"]) == 0
    monkeypatch.setenv("TESSERA_KEY_ENCRYPTION_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    capsys.readouterr()

    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_KEY_ENCRYPTION_KEY" in err
    assert main(["keys", "rotate"]) == 1


def test_a_rotation_with_a_propagation_delay_shorter_than_the_key_reload_warns(
    shared_keys_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_KEY_RELOAD_SECONDS", "5")
    monkeypatch.setenv("TESSERA_KEY_PROPAGATION_SECONDS", "2")
    assert main(["keys", "rotate"]) == 0
    assert "warning" in capsys.readouterr().err


def test_a_short_propagation_delay_does_not_warn_because_the_jwks_max_age_shrinks_with_it(
    shared_keys_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_KEY_RELOAD_SECONDS", "5")
    monkeypatch.setenv("TESSERA_KEY_PROPAGATION_SECONDS", "10")
    assert main(["keys", "rotate"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_clients_hash_prints_the_entry_of_a_secret_read_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "s3cr3t-" + "x" * 40
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))

    assert main(["clients", "hash", "orders"]) == 0

    entry = capsys.readouterr().out.strip()
    assert secret not in entry
    (client,) = settings_from_env({"TESSERA_OAUTH_CLIENTS": entry}).oauth_clients
    assert TrustedClients([client]).authenticate("orders", secret)


def test_clients_hash_generate_prints_a_fresh_secret_and_its_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clients", "hash", "orders", "--generate"]) == 0

    secret_line, entry_line = capsys.readouterr().out.strip().splitlines()
    secret = secret_line.removeprefix("client_secret: ")
    (client,) = parse_trusted_clients(entry_line.removeprefix("TESSERA_OAUTH_CLIENTS entry: "))
    assert len(secret) >= 32 and TrustedClients([client]).authenticate("orders", secret)


@pytest.mark.parametrize(("client_id", "stdin"), [("orders", "too short\n"), ("orders", ""), ("bad id", "x" * 40)])
def test_clients_hash_refuses_a_weak_secret_or_a_bad_id_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client_id: str, stdin: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))

    assert main(["clients", "hash", client_id]) == 2

    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
