"""The state behind the in-memory repositories: plain dicts of frozen domain objects."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.keys import SigningKeyRecord
from domain.password_resets import PasswordResetToken
from domain.sessions import RefreshToken, Session
from domain.throttling import FailureCount
from domain.users import User


@dataclass
class InMemoryTables:
    users: dict[UUID, User] = field(default_factory=dict)
    sessions: dict[UUID, Session] = field(default_factory=dict)
    refresh_tokens: dict[UUID, RefreshToken] = field(default_factory=dict)
    login_failures: dict[str, FailureCount] = field(default_factory=dict)
    signing_keys: dict[str, SigningKeyRecord] = field(default_factory=dict)
    user_changes: dict[UUID, datetime] = field(default_factory=dict)
    password_resets: dict[str, PasswordResetToken] = field(default_factory=dict)

    def copy(self) -> "InMemoryTables":
        # The values are frozen, so copying the dicts is a full snapshot.
        return InMemoryTables(
            dict(self.users),
            dict(self.sessions),
            dict(self.refresh_tokens),
            dict(self.login_failures),
            dict(self.signing_keys),
            dict(self.user_changes),
            dict(self.password_resets),
        )


@dataclass
class InMemoryStore:
    """Committed state plus the lock that makes each unit of work serializable."""

    tables: InMemoryTables = field(default_factory=InMemoryTables)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
