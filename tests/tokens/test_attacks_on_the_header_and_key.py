"""Forged tokens against the key: looked up locally by kid, never taken or fetched from the token; a
header member tessera never writes, or another type than an access token, is refused."""

import base64
import datetime
import socket
import urllib.request
import uuid
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from joserfc.jwk import RSAKey

from tests.support.flows import Client
from tests.support.forgery import (
    attacker_rsa_key,
    claims,
    header_for,
    signed,
)
from tests.support.token_attacks import assert_refused, present

pytestmark = [pytest.mark.anyio, pytest.mark.app]


# --- The key: looked up locally by kid, never taken from the token ---


@pytest.mark.parametrize(
    "kid",
    [str(uuid.uuid4()), "../../dev/null", "' OR '1'='1", "x'; DROP TABLE users; --", "", 1, ["k"], None, ...],
    ids=["unknown", "path traversal", "sql tautology", "sql drop", "empty", "number", "list", "null", "absent"],
)
async def test_a_kid_naming_no_key_of_ours_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, kid: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key, kid=kid), claims(user_id), signing_key)))


@pytest.mark.parametrize("kid", ["the attacker's", "ours"])
async def test_an_embedded_jwk_signed_by_the_attackers_own_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, kid: str
) -> None:
    attacker = attacker_rsa_key()
    header = header_for(signing_key, jwk=attacker.as_dict(private=False))
    header["kid"] = attacker.kid if kid == "the attacker's" else signing_key.kid
    assert_refused(await present(client, signed(header, claims(user_id), attacker)))


@pytest.fixture
def outbound_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way the process could reach the network, replaced by a recorder that also refuses."""
    attempts: list[str] = []

    def refuse(*args: Any, **_: Any) -> Any:
        attempts.append(repr(args)[:200])
        raise AssertionError("the verifier tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", refuse)
    return attempts


def test_the_network_guard_records_an_outbound_request(outbound_attempts: list[str]) -> None:
    """The guard the next tests rely on does notice a fetch."""
    with pytest.raises(AssertionError):
        httpx.get("https://attacker.example/jwks.json")
    assert outbound_attempts


@pytest.mark.parametrize("member", ["jku", "x5u"])
async def test_a_key_url_in_the_header_is_refused_without_fetching_it(
    client: Client, signing_key: RSAKey, user_id: str, member: str, outbound_attempts: list[str]
) -> None:
    attacker = attacker_rsa_key()
    header = header_for(signing_key, kid=attacker.kid, **{member: "https://attacker.example/keys"})
    assert_refused(await present(client, signed(header, claims(user_id), attacker)))
    assert outbound_attempts == []


async def test_an_x5c_certificate_chain_of_the_attackers_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, outbound_attempts: list[str]
) -> None:
    attacker = attacker_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "auth.tessera.test")])
    today = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(attacker.raw_value.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(today - datetime.timedelta(days=1))
        .not_valid_after(today + datetime.timedelta(days=1))
        .sign(attacker.raw_value, hashes.SHA256())
    )
    der = certificate.public_bytes(Encoding.DER)
    header = header_for(signing_key, x5c=[base64.b64encode(der).decode()])
    assert_refused(await present(client, signed(header, claims(user_id), attacker)))
    assert outbound_attempts == []


@pytest.mark.parametrize(
    "extra",
    [{"crit": ["urn:evil"], "urn:evil": True}, {"crit": ["b64"], "b64": False}, {"crit": []}, {"zip": "DEF"}],
    ids=["crit unknown", "crit b64", "crit empty", "zip"],
)
async def test_a_header_member_tessera_never_writes_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, extra: dict[str, Any]
) -> None:
    token = signed(header_for(signing_key, **extra), claims(user_id), signing_key)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("typ", ["JWT", "jwt", "application/jwt", "", "at+jwt ", None, ...])
async def test_a_token_not_typed_as_an_access_token_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, typ: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key, typ=typ), claims(user_id), signing_key)))
