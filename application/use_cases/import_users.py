"""Bringing another system's users in, with the ids and password hashes they had there."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from uuid import UUID

from application.import_report import ImportReport, Refusal
from application.ports.clock import Clock
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWorkFactory
from application.session_revoker import SessionRevoker
from application.user_changes import UserChanges
from domain.errors import DomainError, UserAlreadyExists
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason
from domain.user_import import ImportedUser, parse_import_line
from domain.users import Email, User

CHUNK_SIZE = 2000


@dataclass(frozen=True, slots=True)
class ImportOptions:
    update: bool = False
    """Overwrite the users already stored under the same ids (else they are kept as they are)."""
    dry_run: bool = False
    """Check everything, store nothing."""


class ImportUsers:
    """Imports JSON Lines, a chunk of `CHUNK_SIZE` lines in one unit of work and one batched insert.

    A line is refused, with its number and why, and nothing of it stored, if it is no valid user
    (`domain.user_import`), if its id or email came on an earlier line, or if its email belongs to
    another stored user. The same file imported twice changes nothing the second time. No password
    is hashed here: the hashes are stored as given, and the first login replaces them. An update that
    disables a user ends their sessions, as `DisableUser` does."""

    def __init__(
        self,
        new_uow: UnitOfWorkFactory,
        changes: UserChanges,
        revoker: SessionRevoker,
        clock: Clock,
        events: SecurityEvents,
    ) -> None:
        self._new_uow = new_uow
        self._changes = changes
        self._revoker = revoker
        self._clock = clock
        self._events = events

    async def execute(
        self,
        lines: Iterable[str],
        options: ImportOptions,
        progress: Callable[[ImportReport], None] | None = None,
    ) -> ImportReport:
        report = ImportReport()
        seen_ids: set[UUID] = set()
        seen_emails: set[Email] = set()
        seen_legacy_ids: set[str] = set()
        numbered = ((number, text) for number, text in enumerate(lines, start=1) if text.strip())
        for chunk in _chunks(numbered):
            parsed = self._parse(chunk, report, seen_ids, seen_emails, seen_legacy_ids)
            await self._store(parsed, options, report)
            if progress is not None:
                progress(report)
        if not options.dry_run:
            counts = f"created={report.created} updated={report.updated} unchanged={report.unchanged}"
            detail = f"{counts} kept={report.kept} refused={len(report.refused)}"
            self._events.emit(SecurityEvent(EventKind.USERS_IMPORTED, detail=detail))
        return report

    def _parse(
        self,
        chunk: list[tuple[int, str]],
        report: ImportReport,
        seen_ids: set[UUID],
        seen_emails: set[Email],
        seen_legacy_ids: set[str],
    ) -> list[tuple[int, ImportedUser]]:
        now = self._clock.now()
        parsed: list[tuple[int, ImportedUser]] = []
        for number, text in chunk:
            try:
                imported = parse_import_line(text, now)
            except DomainError as error:
                report.refused.append(Refusal(number, error.message))
                continue
            user = imported.user
            if user.id in seen_ids or user.email in seen_emails or user.legacy_id in seen_legacy_ids:
                report.refused.append(Refusal(number, "The id, email or legacy_id came on an earlier line."))
                continue
            seen_ids.add(user.id)
            seen_emails.add(user.email)
            if user.legacy_id is not None:
                seen_legacy_ids.add(user.legacy_id)
            parsed.append((number, imported))
        return parsed

    async def _store(
        self, parsed: list[tuple[int, ImportedUser]], options: ImportOptions, report: ImportReport
    ) -> None:
        new: list[User] = []
        updated: list[User] = []
        newly_disabled: list[UUID] = []
        counts = ImportReport()
        async with self._new_uow() as uow:
            users = [imported.user for _, imported in parsed]
            stored = await uow.users.find_many(
                {user.id for user in users},
                {user.email for user in users},
                {user.legacy_id for user in users if user.legacy_id is not None},
            )
            by_id = {user.id: user for user in stored}
            owner_of = {user.email: user.id for user in stored}
            legacy_owner_of = {user.legacy_id: user.id for user in stored if user.legacy_id is not None}
            for number, imported in parsed:
                user = imported.user
                if owner_of.get(user.email, user.id) != user.id:
                    counts.refused.append(Refusal(number, "The email belongs to another user."))
                elif user.legacy_id is not None and legacy_owner_of.get(user.legacy_id, user.id) != user.id:
                    counts.refused.append(Refusal(number, "The legacy_id belongs to another user."))
                elif (current := by_id.get(user.id)) is None:
                    new.append(user)
                elif (user := imported.as_update_of(current)) == current:
                    counts.unchanged += 1
                elif options.update:
                    updated.append(user)
                    if user.is_disabled and not current.is_disabled:
                        newly_disabled.append(user.id)
                else:
                    counts.kept += 1
            try:
                await uow.users.add_many(new)
            except UserAlreadyExists:  # registered since `find_many`: nothing of the chunk is stored
                reason = "An email or id of this chunk was registered meanwhile; import the file again."
                report.refused.extend(Refusal(number, reason) for number, _ in parsed)
                return
            await uow.users.replace_many(updated)
            await self._changes.record_many(uow, [user.id for user in updated])
            for user_id in newly_disabled:
                await self._revoker.end_all_of_user(uow, user_id, RevocationReason.USER_DISABLED)
            if not options.dry_run:
                await uow.commit()
        report.created += len(new)
        report.updated += len(updated)
        report.unchanged += counts.unchanged
        report.kept += counts.kept
        report.refused.extend(counts.refused)


def _chunks(numbered: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    while chunk := list(islice(numbered, CHUNK_SIZE)):
        yield chunk
