"""Trusted clients: configured as `id:sha256hex`, authenticated in constant time, never stored in clear."""

import hashlib

import pytest

from domain.clients import InvalidClientEntry, TrustedClient, TrustedClients, parse_trusted_clients
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env

SECRET = "a-high-entropy-secret-of-more-than-32-chars"
HASH = hashlib.sha256(SECRET.encode()).hexdigest()


def test_a_client_authenticates_with_its_secret_and_nobody_else_does() -> None:
    clients = TrustedClients([TrustedClient("orders", HASH)])

    assert clients.authenticate("orders", SECRET)
    assert not clients.authenticate("orders", SECRET + "x")
    assert not clients.authenticate("billing", SECRET)
    assert not clients.authenticate("orders", HASH)  # the configured hash is not a credential
    assert not TrustedClients([]).authenticate("orders", SECRET)


def test_entries_are_parsed_with_blanks_and_upper_case_hex_tolerated() -> None:
    parsed = parse_trusted_clients(f" orders : {HASH.upper()} ,, billing.v2:{'0' * 64} ")
    assert parsed == (TrustedClient("orders", HASH), TrustedClient("billing.v2", "0" * 64))


@pytest.mark.parametrize(
    "text",
    [
        "orders",
        f"orders:{HASH[:-1]}",
        f"orders:{HASH}x",
        f"orders:{SECRET}",
        f"bad id:{HASH}",
        f":{HASH}",
        f"{'x' * 65}:{HASH}",
        f"orders:{HASH},orders:{'0' * 64}",
    ],
)
def test_a_bad_entry_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(InvalidClientEntry) as raised:
        parse_trusted_clients(text)
    assert SECRET not in str(raised.value)


def test_a_bad_entry_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^TESSERA_OAUTH_CLIENTS: entry 2 is not client_id:sha256hex"):
        settings_from_env({"TESSERA_OAUTH_CLIENTS": f"orders:{HASH},billing:{SECRET}"})


def test_the_configured_clients_are_read() -> None:
    settings = settings_from_env({"TESSERA_OAUTH_CLIENTS": f"orders:{HASH}"})
    assert settings.oauth_clients == (TrustedClient("orders", HASH),)
    assert settings_from_env({}).oauth_clients == ()
