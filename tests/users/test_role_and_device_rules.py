from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.errors import InvalidRole
from domain.policy import TokenPolicy
from domain.sessions import open_session
from domain.users import Email, User, parse_role

POLICY = TokenPolicy(issuer="https://issuer.example", audience="tessera")

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ADA = User(UUID(int=1), Email.parse("ada@example.com"), "Ada", "plain$x", ("support",), NOW)


@pytest.mark.parametrize("name", ["admin", "a", "billing.read", "org:42:owner", "x_y-z", "a" * 64])
def test_a_role_name_of_lowercase_letters_digits_and_separators_is_accepted_unchanged(name: str) -> None:
    assert parse_role(name) == name


@pytest.mark.parametrize(
    "name", ["", "Admin", "1admin", "_admin", "ad min", "admin\n", "a" * 65, "rôle", "admin/x", " admin"]
)
def test_a_role_name_outside_the_rule_is_refused_never_normalised(name: str) -> None:
    with pytest.raises(InvalidRole):
        parse_role(name)


def test_granting_a_role_twice_keeps_one_and_revoking_an_absent_role_changes_nothing() -> None:
    assert ADA.granted("admin") == ("support", "admin")
    assert replace(ADA, roles=ADA.granted("admin")).granted("admin") == ("support", "admin")
    assert ADA.without("admin") == ("support",)
    assert ADA.without("support") == ()


def test_a_user_is_disabled_exactly_while_disabled_at_is_set() -> None:
    assert not ADA.is_disabled
    assert replace(ADA, disabled_at=NOW).is_disabled
    assert ADA.has_role("support") and not ADA.has_role("admin")


def test_a_session_records_the_device_as_first_seen_cut_to_bounded_lengths() -> None:
    session = open_session(
        user=ADA, session_id=UUID(int=2), now=NOW, policy=POLICY, user_agent="x" * 600, client_address="9" * 200
    )

    assert session.user_agent == "x" * 512
    assert session.client_address == "9" * 128


def test_a_session_opened_without_a_user_agent_or_address_records_none_not_blank() -> None:
    session = open_session(user=ADA, session_id=UUID(int=2), now=NOW, policy=POLICY, user_agent="", client_address=None)

    assert (session.user_agent, session.client_address) == (None, None)
