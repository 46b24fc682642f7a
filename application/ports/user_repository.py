from abc import abstractmethod
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.custom_claims import CustomClaims
from domain.users import Email, User, Username


class UserRepository(Protocol):
    @abstractmethod
    async def add(self, user: User) -> None:
        """Store a new user; `EmailAlreadyRegistered` if the email is taken, `UserAlreadyExists` if the
        legacy id or username is."""

    @abstractmethod
    async def add_many(self, users: Sequence[User]) -> None:
        """Store new users in one batch (an import's chunk): `UserAlreadyExists` if an id, email, legacy
        id or username is taken, and then the unit of work must not commit. The caller has checked with `find_many`."""

    @abstractmethod
    async def find_many(
        self,
        ids: Collection[UUID],
        emails: Collection[Email],
        legacy_ids: Collection[str] = (),
        usernames: Collection[Username] = (),
    ) -> list[User]:
        """The stored users that have one of these ids, emails, legacy ids or usernames, in no particular order."""

    @abstractmethod
    async def replace_many(self, users: Sequence[User]) -> None:
        """Overwrite every field of the stored users with these ids (an import's `--update`);
        `UserAlreadyExists` if one would take another user's email, legacy id or username, and then the
        unit of work must not commit."""

    @abstractmethod
    async def get(self, user_id: UUID) -> User | None: ...

    @abstractmethod
    async def get_for_update(self, user_id: UUID) -> User | None:
        """`get`, and the user locked against every other unit of work's change until this one ends.

        A unit of work that changes a user's credentials, or opens a session on the strength of them,
        reads the user this way first: two of them then take turns, so that a session opened with a
        password is either seen and ended by a password change or reset, or sees its new hash. (A
        PostgreSQL row lock; SQLite and the memory store run one unit of work at a time anyway.)"""

    @abstractmethod
    async def update_password_hash(self, user_id: UUID, password_hash: str) -> None:
        """The same password under a new hash (a re-hash at login): nothing else about the user changes."""

    @abstractmethod
    async def replace_password(self, user_id: UUID, password_hash: str, changed_at: datetime) -> None:
        """A new password chosen (a change or a reset): its hash stored and `password_changed_at` set."""

    @abstractmethod
    async def get_by_email(self, email: Email) -> User | None: ...

    @abstractmethod
    async def get_by_legacy_id(self, legacy_id: str) -> User | None:
        """The user imported with this id from their former system, compared exactly."""

    @abstractmethod
    async def get_by_username(self, username: Username) -> User | None:
        """The user with this username (normalised by `Username.parse`, so compared as stored)."""

    @abstractmethod
    async def page(self, limit: int, offset: int) -> list[User]:
        """At most `limit` users after the first `offset`, in a stable order: oldest first, then by id."""

    @abstractmethod
    async def set_roles(self, user_id: UUID, roles: tuple[str, ...]) -> None: ...

    @abstractmethod
    async def set_claims(self, user_id: UUID, claims: CustomClaims) -> None: ...

    @abstractmethod
    async def set_disabled(self, user_id: UUID, disabled_at: datetime | None) -> None:
        """Disable the user from `disabled_at`, or enable them again with None."""

    @abstractmethod
    async def mark_changed(self, user_id: UUID, now: datetime) -> None:
        """Stamp the user as changed at `now`, for `changed_since` (and PostgreSQL's notification)."""

    @abstractmethod
    async def mark_many_changed(self, user_ids: Collection[UUID], now: datetime) -> None:
        """`mark_changed` for each of these users, in one go."""

    @abstractmethod
    async def changed_since(self, moment: datetime) -> dict[UUID, datetime]:
        """The users stamped changed at or after the moment, each with their stamp."""
