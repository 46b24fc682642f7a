"""The wire forms of `Changes`: datagrams between sibling workers, and PostgreSQL's notification payloads."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.process.change_messages import MAX_ITEMS, decode, encode
from adapters.sql.postgres_change_listener import parse
from domain.changes import Changes
from domain.sessions import Revocation

T = datetime(2026, 11, 30, 5, 34, 31, 123456, tzinfo=UTC)
SESSION = uuid.UUID("0b7d7f0e-8a8e-4a57-9f6c-2b1f6e0c9d41")
USER = uuid.UUID("5d1f3c2a-7e4b-4c1d-8f2e-9a0b1c2d3e4f")


def _revocations(count: int) -> tuple[Revocation, ...]:
    return tuple(Revocation(uuid.uuid4(), T + timedelta(microseconds=n)) for n in range(count))


def test_changes_round_trip_through_one_datagram() -> None:
    changes = Changes(revocations=_revocations(3), users=(USER, uuid.uuid4()))

    messages = list(encode(changes))

    assert len(messages) == 1
    assert decode(messages[0]) == changes


def test_many_changes_are_sent_in_datagrams_of_at_most_max_items_each_well_under_64_kib() -> None:
    revocations, users = _revocations(2 * MAX_ITEMS + 1), tuple(uuid.uuid4() for _ in range(MAX_ITEMS + 5))

    messages = list(encode(Changes(revocations, users)))
    decoded = [decode(message) for message in messages]

    assert len(messages) == 3
    assert all(len(message) < 32 * 1024 for message in messages)
    assert all(d is not None and len(d.revocations) <= MAX_ITEMS and len(d.users) <= MAX_ITEMS for d in decoded)
    assert tuple(r for d in decoded if d for r in d.revocations) == revocations
    assert tuple(u for d in decoded if d for u in d.users) == users


def test_no_changes_send_no_datagram() -> None:
    assert list(encode(Changes())) == []


@pytest.mark.parametrize(
    "message",
    [
        b"",
        b"\xff\xfe",
        b"not json",
        b"[]",
        b'"r"',
        b"{}",
        b'{"r": []}',
        b'{"u": []}',
        b'{"r": [["not-a-uuid", 1.0]], "u": []}',
        b'{"r": [["' + SESSION.hex.encode() + b'"]], "u": []}',
        b'{"r": [["' + SESSION.hex.encode() + b'", "soon"]], "u": []}',
        b'{"r": [["' + SESSION.hex.encode() + b'", 1e300]], "u": []}',
        b'{"r": [["' + SESSION.hex.encode() + b'", NaN]], "u": []}',
        b'{"r": [], "u": ["not-a-uuid"]}',
        b'{"r": [], "u": [1]}',
        b'{"r": [[1, 1.0]], "u": []}',
        b'{"r": [], "u": [null]}',
        b'{"r": 5, "u": []}',
    ],
)
def test_a_malformed_datagram_decodes_to_none(message: bytes) -> None:
    assert decode(message) is None


def test_a_datagram_written_by_hand_in_the_documented_form_decodes() -> None:
    message = json.dumps({"r": [[SESSION.hex, T.timestamp()]], "u": [USER.hex]}).encode()

    assert decode(message) == Changes((Revocation(SESSION, T),), (USER,))


@pytest.mark.parametrize(
    ("payload", "revoked_at"),
    [
        # `extract(epoch FROM revoked_at)::text`: numeric with microseconds on PostgreSQL 14 and later,
        # a double before, and no fraction at all on a whole second.
        (f"s {SESSION} 1796016871.123456", T),
        (f"s {SESSION} 1796016871", T.replace(microsecond=0)),
        (f"s {SESSION} 1796016871.5", T.replace(microsecond=500000)),
    ],
)
def test_the_triggers_revocation_payload_parses_to_the_revocation(payload: str, revoked_at: datetime) -> None:
    assert parse(payload) == Changes(revocations=(Revocation(SESSION, revoked_at),))


def test_the_triggers_user_payload_parses_to_the_changed_user() -> None:
    assert parse(f"u {USER}") == Changes(users=(USER,))


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "s",
        "u",
        "u ",
        "x " + str(USER),
        f"S {SESSION} 1796016871",
        f"s {SESSION}",
        f"s {SESSION} 1796016871 extra",
        f"s {SESSION} soon",
        f"s {SESSION} nan",
        f"s {SESSION} inf",
        f"s {SESSION} 1e300",
        "s not-a-uuid 1796016871",
        "u not-a-uuid",
        f"u {USER} {USER}",
        f"s  {SESSION} 1796016871",
    ],
)
def test_a_payload_not_in_the_triggers_forms_parses_to_none(payload: str) -> None:
    assert parse(payload) is None
