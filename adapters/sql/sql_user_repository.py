from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from advanced_alchemy.exceptions import IntegrityError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError as DriverIntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.models import UserRow
from adapters.sql.row_mapping import to_user, to_user_row, to_user_values
from application.ports.user_repository import UserRepository
from domain.custom_claims import CustomClaims
from domain.errors import EmailAlreadyRegistered, InvalidLegacyId, UserAlreadyExists
from domain.users import Email, User, Username, parse_legacy_id

_users: Table = UserRow.__table__  # type: ignore[assignment]
_USER = select(_users)  # every column, by name: `to_user` reads those it maps, and a new one needs no edit here
_BY_EMAIL = _USER.where(_users.c.email == bindparam("email"))
_BY_ID_FOR_UPDATE = _USER.where(_users.c.id == bindparam("user_id")).with_for_update()
"""A login's two reads of its user, as column values rather than ORM objects: SQLAlchemy caches their
compiled form, so a call binds one value and maps one row; no identity map, no object to expunge."""


class _UserRows(SQLAlchemyAsyncRepository[UserRow]):
    model_type = UserRow


class SqlUserRepository(UserRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._made: _UserRows | None = None

    @property
    def _rows(self) -> _UserRows:
        # Made on first use: every unit of work has a user repository, most requests never touch it
        # (a refresh reads its user in the rotation's one statement), and making one builds a SELECT.
        if self._made is None:
            self._made = _UserRows(session=self._session, auto_expunge=True)
        return self._made

    async def add(self, user: User) -> None:
        row = to_user_row(user)
        try:
            await self._rows.add(row)
        except IntegrityError as error:
            if "legacy_id" in str(error) or "username" in str(error):  # the column, named by both drivers
                raise UserAlreadyExists from None
            raise EmailAlreadyRegistered from None

    async def add_many(self, users: Sequence[User]) -> None:
        # One multi-row INSERT per batch (SQLAlchemy's "insertmanyvalues"), without the ORM's objects.
        if not users:
            return  # an empty list would execute one INSERT of no values
        try:
            await self._rows.session.execute(insert(UserRow), [to_user_values(user) for user in users])
        except DriverIntegrityError:
            raise UserAlreadyExists from None

    async def find_many(
        self,
        ids: Collection[UUID],
        emails: Collection[Email],
        legacy_ids: Collection[str] = (),
        usernames: Collection[Username] = (),
    ) -> list[User]:
        if not ids and not emails and not legacy_ids and not usernames:
            return []
        statement = select(UserRow).where(
            or_(
                UserRow.id.in_(list(ids)),
                UserRow.email.in_([email.value for email in emails]),
                UserRow.legacy_id.in_(list(legacy_ids)),
                UserRow.username.in_([username.value for username in usernames]),
            )
        )
        return [to_user(row) for row in (await self._rows.session.scalars(statement)).all()]

    async def replace_many(self, users: Sequence[User]) -> None:
        if not users:
            return
        try:  # an UPDATE by primary key, executed for every row in one call
            await self._rows.session.execute(update(UserRow), [to_user_values(user) for user in users])
        except DriverIntegrityError:
            raise UserAlreadyExists from None

    async def get(self, user_id: UUID) -> User | None:
        row = await self._rows.get_one_or_none(UserRow.id == user_id)
        return None if row is None else to_user(row)

    async def get_for_update(self, user_id: UUID) -> User | None:
        # FOR UPDATE on PostgreSQL; SQLAlchemy renders nothing for SQLite, whose units of work begin
        # IMMEDIATE and so hold the database's one write lock already.
        row = (await self._session.execute(_BY_ID_FOR_UPDATE, {"user_id": user_id})).one_or_none()
        return None if row is None else to_user(row)

    async def update_password_hash(self, user_id: UUID, password_hash: str) -> None:
        await self._rows.session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    async def replace_password(self, user_id: UUID, password_hash: str, changed_at: datetime) -> None:
        await self._rows.session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(password_hash=password_hash, password_changed_at=changed_at)
        )

    async def get_by_email(self, email: Email) -> User | None:
        row = (await self._session.execute(_BY_EMAIL, {"email": email.value})).one_or_none()
        return None if row is None else to_user(row)

    async def get_by_legacy_id(self, legacy_id: str) -> User | None:
        """None, without a query, for a string no legacy id can be (a legacy session names any: one
        holding NUL is an error to PostgreSQL, not a miss)."""
        try:
            parse_legacy_id(legacy_id)
        except InvalidLegacyId:
            return None
        row = await self._rows.get_one_or_none(UserRow.legacy_id == legacy_id)
        return None if row is None else to_user(row)

    async def get_by_username(self, username: Username) -> User | None:
        row = await self._rows.get_one_or_none(UserRow.username == username.value)
        return None if row is None else to_user(row)

    async def page(self, limit: int, offset: int) -> list[User]:
        statement = select(UserRow).order_by(UserRow.created_at, UserRow.id).limit(limit).offset(offset)
        return [to_user(row) for row in (await self._rows.session.scalars(statement)).all()]

    async def set_roles(self, user_id: UUID, roles: tuple[str, ...]) -> None:
        await self._rows.session.execute(update(UserRow).where(UserRow.id == user_id).values(roles=list(roles)))

    async def set_claims(self, user_id: UUID, claims: CustomClaims) -> None:
        await self._rows.session.execute(update(UserRow).where(UserRow.id == user_id).values(claims=claims.encoded))

    async def set_disabled(self, user_id: UUID, disabled_at: datetime | None) -> None:
        await self._rows.session.execute(update(UserRow).where(UserRow.id == user_id).values(disabled_at=disabled_at))

    async def mark_changed(self, user_id: UUID, now: datetime) -> None:
        await self._rows.session.execute(update(UserRow).where(UserRow.id == user_id).values(changed_at=now))

    async def mark_many_changed(self, user_ids: Collection[UUID], now: datetime) -> None:
        if user_ids:
            await self._rows.session.execute(
                update(UserRow).where(UserRow.id.in_(list(user_ids))).values(changed_at=now)
            )

    async def changed_since(self, moment: datetime) -> dict[UUID, datetime]:
        rows = await self._rows.session.execute(
            select(UserRow.id, UserRow.changed_at).where(UserRow.changed_at >= moment)
        )
        return {user_id: changed_at for user_id, changed_at in rows}
