"""What happened to whom: the security events that are audited and counted. Never a secret."""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class EventKind(StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    REFRESHED = "refreshed"
    REFRESH_REFUSED = "refresh_refused"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    LOGGED_OUT = "logged_out"
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere"
    SIGNING_KEY_ROTATED = "signing_key_rotated"
    SIGNING_KEY_WITHDRAWN = "signing_key_withdrawn"
    LEGACY_SESSION_EXCHANGED = "legacy_session_exchanged"
    LEGACY_SESSION_REFUSED = "legacy_session_refused"
    SESSION_ENDED = "session_ended"
    """One session ended by name; `detail` says by whom: "self", "admin:<id>" or "operator"."""
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    CLAIMS_CHANGED = "claims_changed"
    """A user's custom claims set; `detail` says by whom, never the claims (they may be personal)."""
    USERS_IMPORTED = "users_imported"
    """An import committed; `detail` gives the counts."""
    CLIENT_REFUSED = "client_refused"
    TOKEN_INTROSPECTED = "token_introspected"
    TOKEN_REVOKED = "token_revoked"
    PASSWORD_CHANGED = "password_changed"
    """`detail` says how many other sessions ended ("sessions=n")."""
    PASSWORD_CHANGE_FAILED = "password_change_failed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    """Only for an existing, enabled user: the caller's answer is the same either way."""
    PASSWORD_RESET = "password_reset"


ANSWERS = frozenset(
    {
        EventKind.LOGIN_FAILED,
        EventKind.LOGIN_THROTTLED,
        EventKind.REFRESH_REFUSED,
        EventKind.REFRESH_TOKEN_REUSED,
        EventKind.LEGACY_SESSION_REFUSED,
        EventKind.CLIENT_REFUSED,
        EventKind.PASSWORD_CHANGE_FAILED,
        EventKind.TOKEN_INTROSPECTED,
    }
)
"""The kinds that report an answer given, not a change stored: audited whether or not the unit of work
that saw them commits. A refusal usually leaves its unit of work without a commit (nothing to store, or
its writes rolled back), and must be audited all the same; a reuse is audited even if the revocation it
caused failed to commit (the theft was seen); an introspection only reads. Every other kind reports
what a commit stored (a login's session, a revocation, a change of a user or a key): audited only once
it is committed."""


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    kind: EventKind
    user_id: UUID | None = None
    session_id: UUID | None = None
    client_address: str | None = None
    detail: str | None = None
    """A short reason or identifier (a key id, a revocation reason); never a token, password or hash."""

    @property
    def outlives_rollback(self) -> bool:
        """Whether it is audited when its unit of work ends without a commit (`ANSWERS`)."""
        return self.kind in ANSWERS
