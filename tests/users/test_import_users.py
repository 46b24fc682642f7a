"""`ImportUsers` and `SetUserClaims` through the real composition root on the in-memory store."""

import json
import uuid
from typing import Any

import pytest

from application.actors import OPERATOR, Actor
from application.import_report import ImportReport
from application.use_cases.get_profile import GetProfile
from application.use_cases.import_users import CHUNK_SIZE, ImportOptions, ImportUsers
from application.use_cases.set_user_claims import SetUserClaims
from domain.custom_claims import CustomClaims
from domain.errors import InsufficientRole, InvalidAccessToken, InvalidClaims
from domain.events import EventKind
from domain.sessions import RevocationReason
from domain.users import Email

pytestmark = pytest.mark.anyio
ADA = Email.parse("ada@example.com")


def _line(email: str, **fields: object) -> str:
    return json.dumps({"id": str(fields.pop("id", uuid.uuid4())), "email": email, **fields})


async def _import(app: Any, lines: list[str], **options: bool) -> ImportReport:
    use_case = await app.container.get(ImportUsers)
    report: ImportReport = await use_case.execute(lines, ImportOptions(**options))
    return report


async def test_duplicates_are_refused_across_chunks_and_the_chunks_around_them_stored(app: Any) -> None:
    lines = [_line(f"user{n}@example.com") for n in range(CHUNK_SIZE + 10)]
    lines.append(_line("user3@example.com"))  # in the second chunk: the email of a line of the first
    lines.append(_line("ada@example.com"))  # registered already, under another id

    report = await _import(app, lines)

    assert (report.created, [r.line for r in report.refused]) == (CHUNK_SIZE + 10, [CHUNK_SIZE + 11, CHUNK_SIZE + 12])
    assert len(app.store.tables.users) == CHUNK_SIZE + 11
    assert [e.detail for e in app.events.events if e.kind is EventKind.USERS_IMPORTED] == [
        f"created={CHUNK_SIZE + 10} updated=0 unchanged=0 kept=0 refused=2"
    ]


async def test_a_dry_run_reports_what_it_would_do_and_stores_nothing(app: Any) -> None:
    before = dict(app.store.tables.users)
    report = await _import(app, [_line("new@example.com"), "nonsense"], dry_run=True)
    assert (report.created, len(report.refused)) == (1, 1)
    assert app.store.tables.users == before
    assert not [e for e in app.events.events if e.kind is EventKind.USERS_IMPORTED]


async def test_an_update_is_announced_as_a_user_change_and_shows_in_the_profile(app: Any) -> None:
    principal = app.verify((await app.log_in()).access_token)
    assert (await app.run(GetProfile, principal)).display_name == "Ada"  # cached now
    line = _line("ada@example.com", id=principal.user_id, display_name="Ada L.", claims={"tenant": "acme"})

    assert (await _import(app, [line])).kept == 1
    report = await _import(app, [line], update=True)

    assert report.updated == 1
    profile = await app.run(GetProfile, principal)
    assert (profile.display_name, profile.claims.encoded) == ("Ada L.", '{"tenant":"acme"}')
    assert principal.user_id in app.store.tables.user_changes


async def test_claims_set_by_the_operator_are_stored_audited_and_show_in_the_profile_at_once(app: Any) -> None:
    tokens = await app.log_in()
    principal = app.verify(tokens.access_token)
    assert not (await app.run(GetProfile, principal)).claims

    summary = await app.run(SetUserClaims, ADA, {"tenant": "acme"}, OPERATOR)

    assert summary.claims == CustomClaims.parse({"tenant": "acme"})
    assert (await app.run(GetProfile, principal)).claims == summary.claims
    assert app.store.tables.users[principal.user_id].claims == summary.claims
    assert [e.detail for e in app.events.events if e.kind is EventKind.CLAIMS_CHANGED] == ["operator"]


async def test_claims_that_break_the_rules_or_an_actor_without_admin_change_nothing(app: Any) -> None:
    principal = app.verify((await app.log_in()).access_token)
    with pytest.raises(InvalidClaims):
        await app.run(SetUserClaims, ADA, {"exp": 1}, OPERATOR)
    with pytest.raises(InsufficientRole):
        await app.run(SetUserClaims, ADA, {"tenant": "acme"}, Actor(principal.user_id))
    assert not app.store.tables.users[principal.user_id].claims


async def test_an_update_that_disables_a_user_ends_their_sessions(app: Any) -> None:
    tokens = await app.log_in()
    principal = app.verify(tokens.access_token)
    line = _line("ada@example.com", id=principal.user_id, disabled=True)

    assert (await _import(app, [line], update=True)).updated == 1

    assert app.store.tables.users[principal.user_id].is_disabled
    assert app.store.tables.sessions[principal.session_id].revoked_at is not None
    with pytest.raises(InvalidAccessToken):
        app.verify(tokens.access_token)


async def test_legacy_ids_are_stored_and_a_repeated_or_taken_one_refuses_its_line(app: Any) -> None:
    first = await _import(app, [_line("grace@example.com", legacy_id=42), _line("joan@example.com", legacy_id="j")])
    assert first.created == 2
    report = await _import(
        app,
        [
            _line("anna@example.com", legacy_id="a"),
            _line("berta@example.com", legacy_id="a"),  # repeats line 1
            _line("clara@example.com", legacy_id="42"),  # grace's, stored
        ],
    )

    assert (report.created, [r.line for r in report.refused]) == (1, [2, 3])
    by_legacy_id = {user.legacy_id: user.email.value for user in app.store.tables.users.values() if user.legacy_id}
    assert by_legacy_id == {"42": "grace@example.com", "j": "joan@example.com", "a": "anna@example.com"}


async def test_a_deeply_nested_line_is_refused_and_the_lines_after_it_are_imported(app: Any) -> None:
    deep = _line("deep@example.com", claims={"x": 1}).replace("1", "[" * 100_000 + "]" * 100_000)
    lines = [_line(f"user{n}@example.com") for n in range(CHUNK_SIZE + 5)]
    lines[CHUNK_SIZE + 1] = deep  # in the second chunk: the first is stored before it is read

    report = await _import(app, lines)

    assert (report.created, [(r.line, r.reason) for r in report.refused]) == (
        CHUNK_SIZE + 4,
        [(CHUNK_SIZE + 2, "The line is nested too deeply to be a user.")],
    )
    stored = {user.email.value for user in app.store.tables.users.values()}
    assert f"user{CHUNK_SIZE + 4}@example.com" in stored and "deep@example.com" not in stored


async def test_an_update_that_changes_the_email_ends_every_session_of_the_user_and_every_process_hears(
    app: Any,
) -> None:
    tokens = await app.log_in()
    principal = app.verify(tokens.access_token)
    other = await app.restarted()  # another replica over the same storage, its view loaded before
    await other.load_revocations().execute()
    assert other.verify(tokens.access_token).session_id == principal.session_id
    line = _line("ada.lovelace@example.com", id=principal.user_id)

    assert (await _import(app, [line], update=True)).updated == 1

    session = app.store.tables.sessions[principal.session_id]
    assert session.revoked_at is not None and session.revocation_reason is RevocationReason.CREDENTIALS_IMPORTED
    assert app.store.tables.users[principal.user_id].email == Email.parse("ada.lovelace@example.com")
    with pytest.raises(InvalidAccessToken):
        app.verify(tokens.access_token)  # this process heard at commit
    await other.load_revocations().execute()
    with pytest.raises(InvalidAccessToken):
        other.verify(tokens.access_token)  # the other one, from storage


async def test_an_update_that_changes_only_the_display_name_or_a_dry_run_ends_no_session(app: Any) -> None:
    tokens = await app.log_in()
    principal = app.verify(tokens.access_token)

    await _import(app, [_line("ada.l@example.com", id=principal.user_id)], update=True, dry_run=True)
    await _import(app, [_line("ada@example.com", id=principal.user_id, display_name="Ada L.")], update=True)

    assert app.store.tables.sessions[principal.session_id].revoked_at is None
    assert app.verify(tokens.access_token).session_id == principal.session_id


async def test_an_update_keeps_a_hash_rewritten_at_tessera_since_the_import_and_reports_the_line(app: Any) -> None:
    first, second = "$2b$12$" + "A" * 53, "$2b$12$" + "B" * 53
    line = _line("grace@example.com", legacy_id="g", password_hash=first)
    assert (await _import(app, [line])).created == 1
    grace = next(user for user in app.store.tables.users.values() if user.legacy_id == "g")
    async with app.uow() as uow:  # what a login's re-hash, a change or a reset store
        await uow.users.update_password_hash(grace.id, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
        await uow.commit()
    again = _line("grace@example.com", id=grace.id, password_hash=second, display_name="Grace")

    report = await _import(app, [again], update=True)

    stored = app.store.tables.users[grace.id]
    assert (report.updated, report.passwords_kept) == (1, [1])
    assert (stored.display_name, stored.password_hash) == ("Grace", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
    forced = await _import(app, [again], update=True, force_passwords=True)
    assert (forced.updated, forced.passwords_kept) == (1, [])
    assert app.store.tables.users[grace.id].password_hash == second
    assert (
        await _import(app, [_line("grace@example.com", id=grace.id, password_hash=first)], update=True)
    ).updated == 1
    assert app.store.tables.users[grace.id].password_hash == first, "an imported hash gives way to the next import"


async def test_an_update_even_with_forced_passwords_keeps_when_the_user_last_chose_a_password_at_tessera(
    app: Any,
) -> None:
    """An imported hash is the legacy app's, not a password chosen here: the legacy sessions stay void."""
    assert (await _import(app, [_line("grace@example.com", legacy_id="g")])).created == 1
    grace = next(user for user in app.store.tables.users.values() if user.legacy_id == "g")
    async with app.uow() as uow:
        await uow.users.replace_password(grace.id, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", app.clock.now())
        await uow.commit()
    line = _line("grace@example.com", id=grace.id, password_hash="$2b$12$" + "B" * 53, display_name="Grace")

    assert (await _import(app, [line], update=True, force_passwords=True)).updated == 1

    stored = app.store.tables.users[grace.id]
    assert (stored.password_hash, stored.password_changed_at) == ("$2b$12$" + "B" * 53, app.clock.now())


async def test_usernames_are_stored_normalised_and_one_in_another_case_is_refused_naming_the_earlier_line(
    app: Any,
) -> None:
    first = await _import(app, [_line("grace@example.com", username="Grace.H")])
    report = await _import(
        app,
        [
            _line("anna@example.com", username="Anna"),
            _line("berta@example.com", username="ANNA"),
            _line("clara@example.com", username="grace.h"),
            _line("dora@example.com", username="not valid"),
        ],
    )

    assert (first.created, report.created) == (1, 1)
    assert sorted((r.line, r.reason) for r in report.refused) == [
        (2, "The username anna is already on line 1."),
        (3, "The username grace.h belongs to another stored user."),
        (4, "The username must be 1 to 150 letters, digits or _ . @ + - characters."),
    ]
    names = {str(user.username): user.email.value for user in app.store.tables.users.values() if user.username}
    assert names == {"grace.h": "grace@example.com", "anna": "anna@example.com"}
