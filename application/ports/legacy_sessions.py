from abc import abstractmethod
from typing import Protocol

from domain.legacy_sessions import LegacySession


class LegacySessions(Protocol):
    """The session machinery of the web framework being migrated, read only to exchange its sessions.

    One adapter per framework and store. It receives the cookie value exactly as the browser sent it
    and does everything framework-specific itself: parsing, checking the signature with the
    framework's secret, decoding (never unpickling), honouring the expiry, finding the user reference
    at the framework's user key (or the configured one). Unreachable storage raises
    `StorageUnavailable`, having changed nothing.
    """

    @abstractmethod
    async def take(self, cookie: str) -> LegacySession:
        """Verify, load AND consume the cookie's session in one atomic step: of any number of
        concurrent calls for one cookie, exactly one receives the session. A server-side session is
        deleted; a stateless (signed cookie) session is recorded as spent until its own expiry, so
        that a replay is refused.

        Refusals raise `MalformedLegacySessionCookie` or `InvalidLegacySession` with the
        `LegacyRefusal` that says why (bad_signature, expired, unknown, replayed, unreadable, pickled…).
        A refused session is consumed if it was found expired; a forged or foreign one (a signature
        checked before the store is touched) is left as it was. Where the take is one atomic
        read-and-delete (Redis, Litestar's FileStore), a value refused after it was read
        (`unreadable`, `pickled`) is consumed too; Django's stores put it back. A session larger than
        `MAX_STORED_SESSION_BYTES` (stored, or once decompressed) is `oversized` and left in place by
        every store, read no further than the bound."""

    @abstractmethod
    async def restore(self, session: LegacySession) -> None:
        """Undo `take` for a session that could not be exchanged because tessera's own storage
        failed: put it back with the value and expiry it had (unless its key has meanwhile been
        stored again: the newer value is kept), or for a stateless cookie forget that it was spent."""

    @abstractmethod
    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        """False only when the framework keeps a proof of the password hash the session was made with
        (Django's `_auth_user_hash`) and it contradicts `password_hash`, the hash tessera holds for
        the user: the password changed after the session was made, so the framework would end it.
        True when the framework keeps no such proof, or when tessera's hash is no longer in the
        framework's format (rehashed since the import) and cannot be compared."""
