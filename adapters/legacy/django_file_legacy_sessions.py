"""Sessions of Django's `file` backend: one file per session in `SESSION_FILE_PATH`, named
`SESSION_COOKIE_NAME` + the session key (`sessionid…` by default), holding the signed session.

Django's expiry for a file: the session's `_session_expiry` (an ISO datetime, or seconds), else the
file's modification time plus `SESSION_COOKIE_AGE`. Taking renames the file aside (atomic: of
concurrent takers one moves it), then reads and verifies it. A file signed with another secret, or
unreadable, is linked back in place (a wrong secret logs nobody out); an expired one is removed.
"""

import contextlib
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from anyio import to_thread

from adapters.legacy import django_sessions
from adapters.legacy.django_signing import STORED_SESSION_SALT, DjangoSecret
from adapters.legacy.file_legacy_sessions import read_at_most
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.errors import InvalidLegacySession, LegacyRefusal, LegacySessionRefused
from domain.legacy_sessions import LegacySession, UserKeyPath, check_expiry

T = TypeVar("T")


class DjangoFileLegacySessions(LegacySessions):
    def __init__(
        self,
        directory: Path,
        file_prefix: str,
        cookie_age: timedelta,
        secret: DjangoSecret,
        user_key: UserKeyPath,
        clock: Clock,
    ) -> None:
        self._directory = directory
        self._prefix = file_prefix
        self._cookie_age = cookie_age
        self._secret = secret
        self._user_key = user_key
        self._clock = clock

    def path(self, session_key: str) -> Path:
        return self._directory / f"{self._prefix}{session_key}"

    async def take(self, cookie: str) -> LegacySession:
        key = django_sessions.session_key_of(cookie)
        claimed = await _off_the_loop(lambda: self._claim(key))
        if claimed is None:
            raise InvalidLegacySession(LegacyRefusal.UNKNOWN)
        path, content, modified = claimed
        try:
            data, _ = django_sessions.verified(content.decode("ascii", "replace"), STORED_SESSION_SALT, self._secret)
            expires_at = self._expiry(data, modified)
            check_expiry(expires_at, self._clock.now())
        except LegacySessionRefused as refused:
            keep = refused.reason is not LegacyRefusal.EXPIRED
            await _off_the_loop(lambda: self._release(path, self.path(key) if keep else None))
            raise
        except Exception:  # whatever failed, the claimed file goes back: never lost to both apps
            await _off_the_loop(lambda: self._release(path, self.path(key)))
            raise
        await _off_the_loop(lambda: self._release(path, None))
        return django_sessions.django_session(key, data, content, expires_at, self._user_key)

    async def restore(self, session: LegacySession) -> None:
        if session.expires_at is not None and self._clock.now() >= session.expires_at:
            return
        modified = None if session.expires_at is None else session.expires_at - self._lifetime(session.data)
        await _off_the_loop(lambda: self._restore(session.session_id, session.stored, modified))

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return django_sessions.password_unchanged(session, password_hash, self._secret)

    def _expiry(self, data: dict[str, object], modified: datetime) -> datetime:
        """`FileSessionStore._expiry_date` and `get_expiry_age`, from the file's modification time."""
        expiry = data.get("_session_expiry")
        if isinstance(expiry, str):
            try:
                parsed = datetime.fromisoformat(expiry)
            except ValueError:
                raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        try:
            return modified + self._lifetime(data)
        except OverflowError:  # an age Django keeps as an integer, its date past year 9999
            raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None

    def _lifetime(self, data: dict[str, object]) -> timedelta:
        """From the file's modification time to its expiry, unless `_session_expiry` is a date."""
        expiry = data.get("_session_expiry")
        if isinstance(expiry, int) and not isinstance(expiry, bool) and expiry > 0:
            return timedelta(seconds=expiry)  # OverflowError past 999999999 days: `_expiry` refuses it
        return self._cookie_age

    def _claim(self, key: str) -> tuple[Path, bytes, datetime] | None:
        target = self.path(key)
        claimed = target.with_name(f".{target.name}.exchanging-{secrets.token_hex(8)}")
        try:
            target.rename(claimed)
        except FileNotFoundError:
            return None
        modified = datetime.fromtimestamp(claimed.stat().st_mtime, UTC)
        content = read_at_most(claimed)
        if content is None:
            self._release(claimed, target)
            raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
        return claimed, content, modified

    @staticmethod
    def _release(claimed: Path, back_to: Path | None) -> None:
        """Remove the claimed file, first linking it back in place if asked (never over a newer file)."""
        try:
            if back_to is not None:
                with contextlib.suppress(FileExistsError):
                    os.link(claimed, back_to)
        finally:
            claimed.unlink(missing_ok=True)

    def _restore(self, key: str, content: bytes, modified: datetime | None) -> None:
        """Written aside with the modification time it had (its expiry counts from it), then linked in."""
        target = self.path(key)
        aside = target.with_name(f".{target.name}.restoring-{secrets.token_hex(8)}")
        aside.write_bytes(content)
        if modified is not None:
            os.utime(aside, (modified.timestamp(), modified.timestamp()))
        try:
            with contextlib.suppress(FileExistsError):
                os.link(aside, target)
        finally:
            aside.unlink(missing_ok=True)


async def _off_the_loop(work: Callable[[], T]) -> T:
    try:
        return await to_thread.run_sync(work)
    except OSError as error:
        raise StorageUnavailable from error
