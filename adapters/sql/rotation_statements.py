"""The SQL of `SqlRefreshRotations`, without the ORM: one statement on PostgreSQL, four on SQLite.

Each writes `domain.rotation.rotates_at_once` as a query and stores what a `PlannedRotation` says (the
successor's expiry capped at the session's absolute end in SQL, as `successor_in` caps it);
tests/refresh/test_refresh_rotations.py holds both to the rule. The statements are built once; SQLAlchemy
caches their compiled form, so a call only binds values."""

from typing import Any

from sqlalchemy import Connection, Table, bindparam, exists, func, insert, select, update

from adapters.sql.models import RefreshTokenRow, SessionRow, UserRow
from adapters.sql.rotation_rows import enabled_user_of, session_of
from domain.rotation import PlannedRotation
from domain.sessions import Session
from domain.users import User

_tokens: Table = RefreshTokenRow.__table__  # type: ignore[assignment]
_sessions: Table = SessionRow.__table__  # type: ignore[assignment]
_users: Table = UserRow.__table__  # type: ignore[assignment]
_live_token = (
    _tokens.c.token_hash == bindparam("presented_hash"),
    _tokens.c.rotated_at.is_(None),
    _tokens.c.expires_at > bindparam("now"),
)
_live_session = (
    _sessions.c.revoked_at.is_(None),
    _sessions.c.expires_at > bindparam("now"),
    _users.c.disabled_at.is_(None),
)
_sessions_of_users = _sessions.join(_users, _users.c.id == _sessions.c.user_id)
_spend: dict[str, Any] = {
    "rotated_at": bindparam("now"),
    "successor_id": bindparam("new_id"),
    "sealed_successor": bindparam("sealed"),
}
_successor = {
    "id": bindparam("new_id", type_=_tokens.c.id.type),
    "token_hash": bindparam("successor_hash", type_=_tokens.c.token_hash.type),
    "issued_at": bindparam("now", type_=_tokens.c.issued_at.type),
    "expires_at": bindparam("successor_expires_at", type_=_tokens.c.expires_at.type),
}
_user_columns = tuple(
    column.label(f"user_{column.name}")
    for column in (
        _users.c.email,
        _users.c.display_name,
        _users.c.password_hash,
        _users.c.roles,
        _users.c.created_at,
        _users.c.claims,
    )
)


def _postgres_statement() -> Any:
    # The session row is locked first, as a logout locks it: a logout committed meanwhile is seen,
    # and one that comes later waits for this rotation. The spend re-checks `rotated_at` under the
    # token's row lock, so of concurrent rotations of one token only one spends it; the others spend,
    # insert and touch nothing, and their statement returns no row.
    live = (
        select(_tokens.c.id, _tokens.c.session_id, _sessions.c.expires_at.label("session_expires_at"))
        .select_from(_tokens.join(_sessions_of_users, _sessions.c.id == _tokens.c.session_id))
        .where(*_live_token, *_live_session)
        .with_for_update(of=_sessions)
        .cte("live")
    )
    spent = (
        update(_tokens)
        .where(_tokens.c.id == live.c.id, _tokens.c.rotated_at.is_(None))
        .values(_spend)
        .returning(_tokens.c.session_id)
        .cte("spent")
    )
    capped = {
        **_successor,
        "expires_at": func.least(_successor["expires_at"], live.c.session_expires_at, type_=_tokens.c.expires_at.type),
    }
    added = (
        insert(_tokens)
        .from_select(
            ["session_id", *capped],
            select(spent.c.session_id, *capped.values()).join(live, live.c.session_id == spent.c.session_id),
        )
        .cte("added")
    )
    touched = (
        update(_sessions)
        .where(_sessions.c.id == spent.c.session_id)
        .values(last_used_at=bindparam("now"))
        .returning(*_sessions.c)
        .cte("touched")
    )
    return select(*touched.c, *_user_columns).join(_users, _users.c.id == touched.c.user_id).add_cte(added)


POSTGRES_ROTATION = _postgres_statement()
"""One statement, atomic by itself: it returns the touched session and its user, or no row."""
_SQLITE_SPEND = (
    update(_tokens)
    .where(
        *_live_token,
        # Correlated, so SQLite looks up this token's one session by its key; an IN (subquery) made it
        # list every live session on every refresh.
        exists().select_from(_sessions_of_users).where(_sessions.c.id == _tokens.c.session_id, *_live_session),
    )
    .values(_spend)
    .returning(_tokens.c.session_id)
)
_SQLITE_ADD = insert(_tokens).values(session_id=bindparam("the_session"), **_successor)
_SQLITE_TOUCH = (
    update(_sessions)
    .where(_sessions.c.id == bindparam("the_session"))
    .values(last_used_at=bindparam("now"))
    .returning(*_sessions.c)
)
_SQLITE_USER = select(*_user_columns).where(_users.c.id == bindparam("user_id"))


def rotated_on_postgres(row: Any) -> tuple[Session, User] | None:
    """What `POSTGRES_ROTATION`'s row (or its absence) says."""
    return None if row is None else (session_of(row), enabled_user_of(row))


def rotate_on_sqlite(connection: Connection, values: dict[str, Any]) -> tuple[Session, User] | None:
    """In the caller's transaction. SQLite has no writes inside WITH; its transactions begin IMMEDIATE,
    holding the one write lock from the first statement on."""
    session_id = connection.execute(_SQLITE_SPEND, values).scalar()
    if session_id is None:
        return None
    session = connection.execute(_SQLITE_TOUCH, {**values, "the_session": session_id}).mappings().one()
    capped = min(values["successor_expires_at"], session["expires_at"])
    connection.execute(_SQLITE_ADD, {**values, "the_session": session_id, "successor_expires_at": capped})
    user = connection.execute(_SQLITE_USER, {"user_id": session["user_id"]}).mappings().one()
    return session_of(session), enabled_user_of({**user, "user_id": session["user_id"]})


def statement_values(rotation: PlannedRotation) -> dict[str, Any]:
    return {
        "presented_hash": rotation.presented_hash,
        "now": rotation.now,
        "new_id": rotation.successor_id,
        "successor_hash": rotation.successor_hash,
        "successor_expires_at": rotation.successor_expires_at,
        "sealed": rotation.sealed_successor,
    }
