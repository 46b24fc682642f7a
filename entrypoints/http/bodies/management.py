"""Listing and ending sessions and accounts: the caller's own devices, and the operators' view of users."""

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec


class DeviceSession(msgspec.Struct):
    """One live session of the caller: the device as first seen at login."""

    id: UUID
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    client_address: str | None
    current: bool


class SessionsResponse(msgspec.Struct):
    sessions: list[DeviceSession]
    next_offset: int | None
    """The offset of the next page, or null on the last one."""


class AdminUser(msgspec.Struct):
    id: UUID
    email: str
    display_name: str | None
    roles: list[str]
    created_at: datetime
    disabled: bool
    disabled_at: datetime | None
    claims: dict[str, Any]
    """The custom claims the user's access tokens carry (`{}` if none)."""
    username: str | None
    """The username the user may log in with (normalised), or null."""
    legacy_id: str | None
    """The user's id in the system they were imported from (what the session bridges look up), or null."""


class UsersPage(msgspec.Struct):
    users: list[AdminUser]
    next_offset: int | None
    """The offset of the next page, or null on the last one."""


class EndedSessions(msgspec.Struct):
    ended: int
