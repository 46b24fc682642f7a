"""Bringing another system's users in, with the ids and password hashes they had there."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from uuid import UUID

from application.errors import NothingToImport
from application.import_report import ImportReport, Refusal, shown, unique_keys
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.session_revoker import SessionRevoker
from application.user_changes import UserChanges
from domain.errors import DomainError, UserAlreadyExists
from domain.events import EventKind, SecurityEvent
from domain.policy import TokenPolicy
from domain.sessions import RevocationReason
from domain.user_import import ImportedUser, parse_import_line
from domain.users import User

CHUNK_SIZE = 2000


@dataclass(frozen=True, slots=True)
class ImportOptions:
    update: bool = False
    """Overwrite the users already stored under the same ids (else they are kept as they are)."""
    dry_run: bool = False
    """Check everything, store nothing."""
    force_passwords: bool = False
    """With `update`: overwrite a password hash tessera wrote since the last import too."""


class ImportUsers:
    """Imports JSON Lines, a chunk of `CHUNK_SIZE` lines in one unit of work and one batched insert.

    A line is refused, with its number and why, and nothing of it stored, if it is no valid user
    (`domain.user_import`), if it sets a claim name outside the allowed ones, if its id, email,
    legacy_id or username came on an earlier line, or if one of them belongs to another stored user.
    The same file imported twice changes nothing the second time. No password is hashed here: the
    hashes are stored as given, and the first login replaces them.

    An update never overwrites a password hash tessera wrote since the user's last import (a change,
    a reset, the re-hash at login: `domain.imported_passwords`) unless `force_passwords`; it stores the
    rest of the line and reports the line in `passwords_kept`. An update that disables a user ends
    their sessions, as `DisableUser` does; one that changes their password hash or email ends them
    too (`CREDENTIALS_IMPORTED`): whoever held a session under the old credentials keeps none."""

    def __init__(
        self,
        new_uow: UnitOfWorkFactory,
        changes: UserChanges,
        revoker: SessionRevoker,
        clock: Clock,
        policy: TokenPolicy,
    ) -> None:
        self._new_uow = new_uow
        self._changes = changes
        self._revoker = revoker
        self._clock = clock
        self._allowed = policy.custom_claim_names

    async def execute(
        self,
        lines: Iterable[str],
        options: ImportOptions,
        progress: Callable[[ImportReport], None] | None = None,
    ) -> ImportReport:
        report = ImportReport()
        first_lines: dict[tuple[str, object], int] = {}
        """The line each id, email, legacy_id and username came on first, by (field, value)."""
        numbered = ((number, text) for number, text in enumerate(lines, start=1) if text.strip())
        for chunk in _chunks(numbered):
            parsed = self._parse(chunk, report, first_lines)
            await self._store(parsed, options, report)
            if progress is not None:
                progress(report)
        if report.lines == 0:
            raise NothingToImport
        if not options.dry_run:
            counts = f"created={report.created} updated={report.updated} unchanged={report.unchanged}"
            detail = f"{counts} kept={report.kept} refused={len(report.refused)}"
            # Every chunk committed already: recorded outside any block, dispatched at once.
            self._new_uow().record(SecurityEvent(EventKind.USERS_IMPORTED, detail=detail))
        return report

    def _parse(
        self, chunk: list[tuple[int, str]], report: ImportReport, first_lines: dict[tuple[str, object], int]
    ) -> list[tuple[int, ImportedUser]]:
        now = self._clock.now()
        parsed: list[tuple[int, ImportedUser]] = []
        for number, text in chunk:
            try:
                imported = parse_import_line(text, now)
                self._allowed.check(imported.user.claims)
            except DomainError as error:
                report.refused.append(Refusal(number, error.message))
                continue
            keys = unique_keys(imported.user)
            earlier = next((key for key in keys if key in first_lines), None)
            if earlier is not None:
                field, value = earlier
                reason = f"The {field} {shown(value)} is already on line {first_lines[earlier]}."
                report.refused.append(Refusal(number, reason))
                continue
            first_lines.update(dict.fromkeys(keys, number))
            parsed.append((number, imported))
        return parsed

    async def _store(
        self, parsed: list[tuple[int, ImportedUser]], options: ImportOptions, report: ImportReport
    ) -> None:
        new: list[User] = []
        updated: list[User] = []
        newly_disabled: list[UUID] = []
        credentials_changed: list[UUID] = []
        counts = ImportReport()
        async with self._new_uow() as uow:
            users = [imported.user for _, imported in parsed]
            stored = await uow.users.find_many(
                {user.id for user in users},
                {user.email for user in users},
                {user.legacy_id for user in users if user.legacy_id is not None},
                {user.username for user in users if user.username is not None},
            )
            by_id = {user.id: user for user in stored}
            owner_of = {user.email: user.id for user in stored}
            legacy_owner_of = {user.legacy_id: user.id for user in stored if user.legacy_id is not None}
            username_owner_of = {user.username: user.id for user in stored if user.username is not None}
            for number, imported in parsed:
                user = imported.user
                if owner_of.get(user.email, user.id) != user.id:
                    reason = f"The email {shown(user.email)} belongs to another stored user."
                    counts.refused.append(Refusal(number, reason))
                elif user.legacy_id is not None and legacy_owner_of.get(user.legacy_id, user.id) != user.id:
                    reason = f"The legacy_id {shown(user.legacy_id)} belongs to another stored user."
                    counts.refused.append(Refusal(number, reason))
                elif user.username is not None and username_owner_of.get(user.username, user.id) != user.id:
                    reason = f"The username {shown(user.username)} belongs to another stored user."
                    counts.refused.append(Refusal(number, reason))
                elif (current := by_id.get(user.id)) is None:
                    new.append(user)
                elif (user := imported.as_update_of(current, force_passwords=options.force_passwords)) == current:
                    counts.unchanged += 1
                    self._note_kept_password(number, imported, current, options, counts)
                elif options.update:
                    updated.append(user)
                    self._note_kept_password(number, imported, current, options, counts)
                    if user.is_disabled and not current.is_disabled:
                        newly_disabled.append(user.id)
                    elif (user.password_hash, user.email) != (current.password_hash, current.email):
                        credentials_changed.append(user.id)
                else:
                    counts.kept += 1
            try:
                await uow.users.add_many(new)
                await uow.users.replace_many(updated)
            except UserAlreadyExists:  # taken since `find_many`: nothing of the chunk is stored
                reason = "An id, email, legacy_id or username of this chunk was taken meanwhile; import the file again."
                report.refused.extend(Refusal(number, reason) for number, _ in parsed)
                return
            await self._changes.record_many(uow, [user.id for user in updated])
            for user_id in newly_disabled:
                await self._revoker.end_all_of_user(uow, user_id, RevocationReason.USER_DISABLED)
            for user_id in credentials_changed:
                await self._revoker.end_all_of_user(uow, user_id, RevocationReason.CREDENTIALS_IMPORTED)
            if not options.dry_run:
                await uow.commit()
        report.created += len(new)
        report.updated += len(updated)
        report.unchanged += counts.unchanged
        report.kept += counts.kept
        report.passwords_kept.extend(counts.passwords_kept)
        report.refused.extend(counts.refused)

    @staticmethod
    def _note_kept_password(
        number: int, imported: ImportedUser, current: User, options: ImportOptions, counts: ImportReport
    ) -> None:
        if options.update and imported.keeps_password_of(current, force_passwords=options.force_passwords):
            counts.passwords_kept.append(number)


def _chunks(numbered: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    while chunk := list(islice(numbered, CHUNK_SIZE)):
        yield chunk
