"""The wire form of `Changes` between the worker processes of one replica: compact JSON datagrams."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

from domain.changes import Changes
from domain.sessions import Revocation

MAX_ITEMS = 200
"""Per datagram: a logout-everywhere of thousands of sessions is sent in several, each well under 64 KiB."""


def encode(changes: Changes) -> Iterator[bytes]:
    revocations = [[r.session_id.hex, r.revoked_at.timestamp()] for r in changes.revocations]
    users = [user_id.hex for user_id in changes.users]
    for start in range(0, max(len(revocations), len(users)), MAX_ITEMS):
        chunk = {"r": revocations[start : start + MAX_ITEMS], "u": users[start : start + MAX_ITEMS]}
        yield json.dumps(chunk, separators=(",", ":")).encode()


def decode(message: bytes) -> Changes | None:
    """None for anything malformed: a message that cannot be read is left to the poll."""
    try:
        data = json.loads(message)
        revocations = tuple(
            Revocation(UUID(hex=session_id), datetime.fromtimestamp(float(moment), UTC))
            for session_id, moment in data["r"]
        )
        return Changes(revocations, tuple(UUID(hex=user_id) for user_id in data["u"]))
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError):  # AttributeError: a non-string id
        return None
