"""`rotate_live` in SQL, without the ORM: one statement on PostgreSQL, four on SQLite.

On PostgreSQL the one statement is atomic by itself, so it runs on its own (autocommit): committed as
it completes, without the BEGIN and COMMIT round trips a transaction around it would cost (two of the
three a refresh made). Its unit of work does nothing else (`UnitOfWork.commit_live_rotation`). Behind a
transaction pooler it keeps its transaction (`postgres_pooler.STATEMENTS_IN_TRANSACTIONS`). SQLite's
four statements run in the unit of work's transaction, which begins IMMEDIATE.

Both mirror `domain.rotation.rotates_at_once` as a query (the contract tests hold them to it): the
presented token unspent and unexpired, its session not revoked and within its absolute lifetime,
the session's user enabled; the successor's expiry is capped at the session's absolute end. The
statements are built once; SQLAlchemy caches their compiled form, so a call only binds values."""

from typing import Any

from sqlalchemy import Connection, Table, bindparam, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.live_rotation_rows import enabled_user_of, session_of
from adapters.sql.models import RefreshTokenRow, SessionRow, UserRow
from adapters.sql.postgres_pooler import statements_on_their_own
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


_POSTGRES = _postgres_statement()
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


_ON_ITS_OWN = {"isolation_level": "AUTOCOMMIT"}
"""Reset when the connection goes back to the pool: the next unit of work on it has its transaction."""


async def rotate_live(session: AsyncSession, rotation: PlannedRotation) -> tuple[Session, User] | None:
    """On the unit of work's own session, before anything else in it: on PostgreSQL committed as it
    returns; on SQLite committed, or rolled back, with the unit of work."""
    values = _values(rotation)
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":
        alone = statements_on_their_own(session.bind.sync_engine)
        connection = await session.connection(execution_options=_ON_ITS_OWN if alone else None)
        row = (await connection.execute(_POSTGRES, values)).mappings().first()
        return None if row is None else (session_of(row), enabled_user_of(row))
    return await (await session.connection()).run_sync(_rotate_on_sqlite, values)


def _rotate_on_sqlite(connection: Connection, values: dict[str, Any]) -> tuple[Session, User] | None:
    # SQLite has no writes inside WITH; its units of work begin IMMEDIATE, holding the one write lock.
    session_id = connection.execute(_SQLITE_SPEND, values).scalar()
    if session_id is None:
        return None
    session = connection.execute(_SQLITE_TOUCH, {**values, "the_session": session_id}).mappings().one()
    capped = min(values["successor_expires_at"], session["expires_at"])
    connection.execute(_SQLITE_ADD, {**values, "the_session": session_id, "successor_expires_at": capped})
    user = connection.execute(_SQLITE_USER, {"user_id": session["user_id"]}).mappings().one()
    return session_of(session), enabled_user_of({**user, "user_id": session["user_id"]})


def _values(rotation: PlannedRotation) -> dict[str, Any]:
    return {
        "presented_hash": rotation.presented_hash,
        "now": rotation.now,
        "new_id": rotation.successor_id,
        "successor_hash": rotation.successor_hash,
        "successor_expires_at": rotation.successor_expires_at,
        "sealed": rotation.sealed_successor,
    }
