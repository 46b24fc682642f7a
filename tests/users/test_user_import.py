"""`tessera users import`: users from another system keep their ids, log in over HTTP with the
passwords their hashes were made from (by Django's, Werkzeug's, bcrypt's, passlib's and argon2's own
code, at test time), and end up with tessera's argon2id; every refused line is named, stores nothing."""

import base64
import json
import runpy
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import anyio
import anyio.to_thread
import pytest
from dishka import AsyncContainer
from litestar.testing import AsyncTestClient

from application.ports.unit_of_work import UnitOfWork
from application.use_cases.log_in import Credentials, LogIn
from domain.sessions import RevocationReason
from domain.users import Email, User
from entrypoints.cli.main import main
from entrypoints.http.app import create_app
from tests.support.flows import Client, register
from tests.support.foreign_hashes import foreign_hashes
from tests.support.http import settings_for_tests
from tests.support.stored import in_app, stored_session

pytestmark = [pytest.mark.anyio, pytest.mark.app]

PASSWORD = "the old app's password ✓"
HASHES = foreign_hashes(PASSWORD)
ImportCli = Callable[..., Any]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url"))


@pytest.fixture
def import_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> ImportCli:
    """`tessera users import FILE ARGS` on lines written to a file: exit code, stdout, stderr."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", database_url)

    async def run(lines: list[str], *args: str) -> tuple[int, str, str]:
        path = tmp_path / "users.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        code = await anyio.to_thread.run_sync(main, ["users", "import", str(path), *args])
        out, err = capsys.readouterr()
        # The app under test logs to stderr too: keep the command's own lines.
        return code, out, "\n".join(line for line in err.splitlines() if line.startswith("tessera:"))

    return run


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings_for_tests(database_url, tmp_path))) as test_client:
        yield test_client


def _line(email: str, **fields: object) -> str:
    return json.dumps({"id": str(fields.pop("id", uuid.uuid4())), "email": email, **fields})


async def _stored(client: Client, email: str) -> User | None:
    async def read(container: AsyncContainer) -> User | None:
        async with container() as request:
            uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
            async with uow:
                return await uow.users.get_by_email(Email.parse(email))

    return await in_app(client, read)


async def test_users_hashed_by_the_real_libraries_log_in_with_their_passwords_and_end_up_argon2id(
    import_cli: ImportCli, client: Client
) -> None:
    ids = {name: uuid.uuid4() for name in HASHES}
    lines = [_line(f"{name}@example.com", id=ids[name], password_hash=HASHES[name]) for name in sorted(HASHES)]
    code, out, err = await import_cli(lines)
    assert (code, err) == (0, "")
    assert f"{len(HASHES)} created" in out

    for name in sorted(HASHES):
        wrong = await client.post("/auth/login", json={"email": f"{name}@example.com", "password": PASSWORD + "!"})
        assert wrong.status_code == 401, name
        response = await client.post("/auth/login", json={"email": f"{name}@example.com", "password": PASSWORD})
        assert response.status_code == 200, (name, response.text)
        stored = await _stored(client, f"{name}@example.com")
        assert stored is not None and stored.id == ids[name]
        assert stored.password_hash.startswith("$argon2id$"), name
        again = await client.post("/auth/login", json={"email": f"{name}@example.com", "password": PASSWORD})
        assert again.status_code == 200, name


async def test_each_refused_line_is_named_and_nothing_of_it_is_stored(import_cli: ImportCli, client: Client) -> None:
    taken = uuid.uuid4()
    lines = [
        _line("ok@example.com", id=taken, password_hash=HASHES["bcrypt-2b"]),
        _line("md5@example.com", password_hash="md5$salt$0123456789abcdef"),
        _line("not-an-email"),
        json.dumps({"id": "42", "email": "bad-id@example.com"}),
        _line("OK@example.com"),
        _line("again@example.com", id=taken),
        "{not json",
        _line("typo@example.com", password="plain"),
        _line("claims@example.com", claims={"sub": "root"}),
        "",
        _line("fine@example.com", roles=["support"], claims={"tenant": "acme"}),
        _line("slow@example.com", password_hash="pbkdf2_sha256$30000000$salt$" + "A" * 43 + "="),
    ]
    code, out, err = await import_cli(lines)

    assert code == 1
    refused = [line.split(":")[1].strip() for line in err.splitlines()]
    assert refused == [f"line {n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 12)]
    assert "format" in err and "email address is not valid" in err and "not a UUID" in err and "password" in err
    assert "line 5: The email ok@… is already on line 1." in err
    assert "line 6: The id " + str(taken)[:8] + "… is already on line 1." in err
    assert "'md5$'" in err and "0123456789abcdef" not in err  # the prefix it saw, never the hash
    assert "iterations is 30,000,000" in err and "2,000,000" in err
    assert "2 created" in out and "9 refused" in out
    emails = ("md5@example.com", "bad-id@example.com", "typo@example.com", "claims@example.com", "slow@example.com")
    for email in emails:
        assert await _stored(client, email) is None
    fine = await _stored(client, "fine@example.com")
    assert fine is not None and fine.roles == ("support",) and dict(fine.claims.as_dict()) == {"tenant": "acme"}


async def test_a_dry_run_stores_nothing_and_a_second_run_changes_nothing_unless_told_to_update(
    import_cli: ImportCli, client: Client
) -> None:
    user_id = uuid.uuid4()
    first = [_line("ada@example.com", id=user_id, display_name="Ada", created_at="2019-05-01T12:00:00")]
    code, out, _ = await import_cli(first, "--dry-run")
    assert (code, "would import 1 lines: 1 created" in out) == (0, True)
    assert await _stored(client, "ada@example.com") is None

    assert (await import_cli(first))[0] == 0
    stored = await _stored(client, "ada@example.com")
    assert stored is not None and stored.id == user_id and stored.created_at.year == 2019
    code, out, err = await import_cli(first)
    assert "0 created, 0 updated, 1 unchanged" in out, err

    renamed = [_line("ada@example.com", id=user_id, display_name="Ada L.", password_hash=HASHES["werkzeug-scrypt"])]
    code, out, _ = await import_cli(renamed)
    assert "1 kept as stored" in out
    assert (await _stored(client, "ada@example.com")) == stored
    code, out, _ = await import_cli(renamed, "--update")
    assert (code, "1 updated" in out) == (0, True)
    updated = await _stored(client, "ada@example.com")
    assert updated is not None and (updated.display_name, updated.created_at) == ("Ada L.", stored.created_at)
    assert (
        await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    ).status_code == 200


async def test_a_user_imported_without_a_hash_cannot_log_in(import_cli: ImportCli, client: Client) -> None:
    assert (await import_cli([_line("nohash@example.com")]))[0] == 0
    for password in ("", PASSWORD):
        response = await client.post("/auth/login", json={"email": "nohash@example.com", "password": password})
        assert response.status_code in (400, 401)
    stored = await _stored(client, "nohash@example.com")
    assert stored is not None and stored.password_hash == ""


async def test_the_migration_guides_django_export_imports_users_who_then_log_in(
    import_cli: ImportCli, client: Client
) -> None:
    from django.contrib.auth.hashers import make_password

    recipe = runpy.run_path(str(Path(__file__).parents[2] / "docs" / "examples" / "export_django_users.py"))
    namespace, tessera_lines = recipe["NAMESPACE"], recipe["tessera_lines"]

    joined = datetime(2018, 3, 1, 9, 30, tzinfo=UTC)
    fields = {"first_name": "Ada", "last_name": "Lovelace", "is_superuser": False, "is_staff": False, "is_active": True}
    users = [
        SimpleNamespace(pk=1, email="ada@example.com", password=make_password(PASSWORD), date_joined=joined, **fields),
        SimpleNamespace(pk=2, email="root@example.com", password=make_password(None), date_joined=joined, **fields),
    ]
    for user, groups, username in zip(
        users, ([], [SimpleNamespace(name="Billing Team")]), ("ada.l", "has a space"), strict=True
    ):
        user.groups = SimpleNamespace(all=lambda groups=groups: groups)
        user.get_username = lambda username=username: username
    users[1].is_superuser, users[1].is_active = True, False

    code, out, err = await import_cli(list(tessera_lines(users)))

    assert (code, err) == (0, ""), out
    ada = await _stored(client, "ada@example.com")
    assert ada is not None and ada.id == uuid.uuid5(namespace, "1") and ada.created_at == joined
    assert (ada.display_name, dict(ada.claims.as_dict())) == ("Ada Lovelace", {"legacy_id": 1})
    assert ada.username is not None and str(ada.username) == "ada.l"
    response = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    root = await _stored(client, "root@example.com")
    assert root is not None and (root.roles, root.is_disabled, root.password_hash) == (
        ("admin", "billing-team"),
        True,
        "",
    )
    assert root.username is None  # "has a space" is no username Django's default rule allows: left out, not refused
    assert (ada.legacy_id, root.legacy_id) == ("1", "2")


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
async def test_an_empty_file_is_an_error_not_an_import_of_nothing(
    import_cli: ImportCli, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text(content, encoding="utf-8")
    code = await anyio.to_thread.run_sync(main, ["users", "import", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"tessera: {path}: The input holds no users: it is empty or has only blank lines." in err
    assert "imported" not in out and "Traceback" not in err


async def test_a_user_without_email_is_refused_by_name_and_the_others_are_stored(
    import_cli: ImportCli, client: Client
) -> None:
    lines = [
        json.dumps({"id": str(uuid.uuid4()), "email": ""}),
        json.dumps({"id": str(uuid.uuid4()), "email": None}),
        json.dumps({"id": str(uuid.uuid4())}),
        _line("kept@example.com"),
    ]
    code, out, err = await import_cli(lines)
    assert code == 1
    assert err.count("The email is missing: tessera keys users by email, so each needs one.") == 3
    assert "1 created" in out and "3 refused" in out
    assert await _stored(client, "kept@example.com") is not None


async def test_a_repeated_or_taken_legacy_id_is_refused_naming_the_field_and_the_earlier_line(
    import_cli: ImportCli, client: Client
) -> None:
    assert (await import_cli([_line("grace@example.com", legacy_id=42)]))[0] == 0
    code, _, err = await import_cli(
        [
            _line("anna@example.com", legacy_id="django-7"),
            _line("berta@example.com", legacy_id="django-7"),
            _line("clara@example.com", legacy_id="42"),
        ]
    )
    assert code == 1
    assert "line 2: The legacy_id django-7 is already on line 1." in err
    assert "line 3: The legacy_id 42 belongs to another stored user." in err
    grace = await _stored(client, "grace@example.com")
    assert grace is not None and grace.legacy_id == "42"


async def test_an_update_keeps_a_hash_tessera_wrote_since_the_import_unless_forced_and_a_new_hash_ends_sessions(
    import_cli: ImportCli, client: Client
) -> None:
    user_id, new_password = uuid.uuid4(), "changed in the old app meanwhile"
    newer = foreign_hashes(new_password)["bcrypt-2b"]
    assert (await import_cli([_line("ada@example.com", id=user_id, password_hash=HASHES["bcrypt-2b"])]))[0] == 0
    login = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert login.status_code == 200  # and re-hashed to argon2id at tessera
    rehashed = await _stored(client, "ada@example.com")
    assert rehashed is not None and rehashed.password_hash.startswith("$argon2id$")
    session_id = _session_id(login.json()["access_token"])

    line = [_line("ada@example.com", id=user_id, display_name="Ada L.", password_hash=newer)]
    code, out, err = await import_cli(line, "--update")
    assert (code, "1 updated" in out) == (0, True), err
    assert "line 1: password hash kept: it changed at tessera since the last import" in err
    kept = await _stored(client, "ada@example.com")
    assert kept is not None and (kept.display_name, kept.password_hash) == ("Ada L.", rehashed.password_hash)
    live = await stored_session(client, session_id)
    assert live is not None and live.revoked_at is None, "neither hash nor email changed: the session lives"

    code, out, err = await import_cli(line, "--update", "--force-passwords")
    assert (code, "1 updated" in out, "kept" in err) == (0, True, False), err
    forced = await _stored(client, "ada@example.com")
    assert forced is not None and forced.password_hash == newer
    ended = await stored_session(client, session_id)
    assert ended is not None and ended.revoked_at is not None
    assert ended.revocation_reason is RevocationReason.CREDENTIALS_IMPORTED
    old = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    new = await client.post("/auth/login", json={"email": "ada@example.com", "password": new_password})
    assert (old.status_code, new.status_code) == (401, 200)


async def test_force_passwords_without_update_is_a_usage_error(import_cli: ImportCli, client: Client) -> None:
    code, out, err = await import_cli([_line("ada@example.com")], "--force-passwords")
    assert (code, out) == (2, "")
    assert "--force-passwords only applies with --update" in err
    assert await _stored(client, "ada@example.com") is None


def _session_id(access_token: str) -> str:
    """The `sid` claim, read from the token without verifying it (the app verified it when it answered)."""
    payload = access_token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"])


async def test_a_native_login_completes_while_attempts_at_imported_accounts_hold_every_foreign_slot(
    import_cli: ImportCli, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two logins through the app's own `LogIn`, hasher and database, on the app's event loop (the
    test client would send one request at a time). The imported user's verification holds its
    thread until the test lets it go (an event, not a sleep); the native user's login opens its
    session meanwhile, in the argon2id slot of its own."""
    import threading

    import adapters.crypto.argon2_password_hasher as hasher_module

    code, _, err = await import_cli([_line("imported@example.com", password_hash=HASHES["werkzeug-pbkdf2"])])
    assert (code, err) == (0, "")
    await register(client, "native@example.com", PASSWORD)
    entered, let_go = threading.Event(), threading.Event()
    real_verify_foreign = hasher_module.verify_foreign

    def held_verify_foreign(*arguments: Any) -> bool:
        entered.set()
        let_go.wait(timeout=30)
        return real_verify_foreign(*arguments)

    monkeypatch.setattr(hasher_module, "verify_foreign", held_verify_foreign)
    sessions: list[str] = []

    async def race(container: AsyncContainer) -> list[str]:
        async def log_in(email: str) -> None:
            async with container() as request:
                use_case = await request.get(LogIn)
                await use_case.execute(Credentials(email, PASSWORD))
            sessions.append(email)

        async with anyio.create_task_group() as group:
            group.start_soon(log_in, "imported@example.com")
            try:
                assert await anyio.to_thread.run_sync(entered.wait, 10)
                with anyio.fail_after(30):
                    await log_in("native@example.com")
                while_held = list(sessions)
            finally:
                let_go.set()
        return while_held

    assert await in_app(client, race) == ["native@example.com"]  # the imported login was still held
    assert sessions == ["native@example.com", "imported@example.com"]
