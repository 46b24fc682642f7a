"""Sessions in Litestar's `FileStore`: one file per session in the store's directory.

`FileStore._path_from_key` names the file by the BLAKE2s hex digest of the session id; its content
is a `StorageObject` (`litestar/stores/base.py`) in MessagePack: `expires_at` (a timestamp, or nil)
and `data`, the JSON of the session object. FileStore drops an expired file when it next reads it.
"""

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec
from anyio import to_thread

from adapters.legacy.litestar_sessions import decoded, session_id_of
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.errors import InvalidLegacySession, LegacyRefusal
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES, LegacySession, UserKeyPath, check_expiry

T = TypeVar("T")


class StorageObject(msgspec.Struct):
    """The layout of Litestar's `StorageObject`, field for field."""

    expires_at: Annotated[datetime, msgspec.Meta(tz=True)] | None
    """Litestar writes an aware instant; a naive one could not be compared, so it is unreadable."""
    data: bytes


class FileLegacySessions(LegacySessions):
    def __init__(self, directory: Path, session_id_bytes: int, user_key: UserKeyPath, clock: Clock) -> None:
        self._directory = directory
        self._session_id_bytes = session_id_bytes
        self._user_key = user_key
        self._clock = clock

    def path(self, session_id: str) -> Path:
        return self._directory / hashlib.blake2s(session_id.encode()).hexdigest()

    async def take(self, cookie: str) -> LegacySession:
        session_id = session_id_of(cookie, self._session_id_bytes)
        raw = await _off_the_loop(lambda: self._take(session_id))
        if raw is None:
            raise InvalidLegacySession(LegacyRefusal.UNKNOWN)
        try:
            stored = msgspec.msgpack.decode(raw, type=StorageObject)
        except msgspec.DecodeError:
            raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
        check_expiry(stored.expires_at, self._clock.now())
        return decoded(session_id, stored.data, stored.expires_at, self._user_key)

    async def restore(self, session: LegacySession) -> None:
        if session.expires_at is not None and self._clock.now() >= session.expires_at:
            return
        content = msgspec.msgpack.encode(StorageObject(session.expires_at, session.stored))
        await _off_the_loop(lambda: self._restore(session.session_id, content))

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return True  # Litestar keeps no proof of the password in a session

    def _take(self, session_id: str) -> bytes | None:
        """Renaming is atomic: of concurrent takers, one moves the file and the others find none.
        Only the one that moved it reads it, then removes it; a file larger than a bridge reads is
        linked back in place unread."""
        target = self.path(session_id)
        claimed = target.with_name(f"{target.name}.exchanging-{secrets.token_hex(8)}")
        try:
            target.rename(claimed)
        except FileNotFoundError:
            return None
        oversized = True
        try:
            content = read_at_most(claimed)
            oversized = content is None
            if content is None:
                raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
            return content
        finally:
            if oversized:
                with contextlib.suppress(FileExistsError):
                    os.link(claimed, target)
            claimed.unlink(missing_ok=True)

    def _restore(self, session_id: str, content: bytes) -> None:
        """Written aside, then linked into place: a link never replaces a file that exists."""
        target = self.path(session_id)
        aside = target.with_name(f"{target.name}.restoring-{secrets.token_hex(8)}")
        aside.write_bytes(content)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(aside, target)
        finally:
            aside.unlink(missing_ok=True)


def read_at_most(path: Path) -> bytes | None:
    """The file's content, or None (read no further) if it is larger than a bridge reads."""
    with path.open("rb") as file:
        content = file.read(MAX_STORED_SESSION_BYTES + 1)
    return None if len(content) > MAX_STORED_SESSION_BYTES else content


async def _off_the_loop(work: Callable[[], T]) -> T:
    """File I/O on a worker thread; a file system that fails (not a missing file) is unavailable storage."""
    try:
        return await to_thread.run_sync(work)
    except OSError as error:
        raise StorageUnavailable from error
