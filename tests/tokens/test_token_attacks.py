"""Every known way to slip a forged, altered or misused JWT past a verifier, tried against the running app.

Each token is valid but for the one defect under test (the control test shows the forger's own
tokens are accepted when they have none), so a 401 means that defect was caught. Every refusal
is the same: 401, the RFC 6750 `invalid_token` challenge, and one generic detail that tells an
attacker nothing about which check failed.
"""

import base64
import datetime
import json
import socket
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from joserfc import jwe
from joserfc.jwk import RSAKey

from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from entrypoints.http.browser.cookies import ACCESS_COOKIE
from tests.support.flows import Client, log_in
from tests.support.forgery import (
    ISSUER,
    attacker_ec_key,
    attacker_rsa_key,
    claims,
    header_for,
    hmac_signed,
    lenient_b64decode,
    non_canonical,
    segment,
    signed,
    unsigned,
)

pytestmark = [pytest.mark.anyio, pytest.mark.app]

GENERIC_DETAIL = "The access token is invalid or expired."
INVALID_TOKEN_CHALLENGE = 'Bearer realm="tessera", error="invalid_token"'
NOW = int(time.time())


async def present(client: Client, token: str) -> httpx.Response:
    return await client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})


def assert_refused(
    response: httpx.Response, detail: str = GENERIC_DETAIL, problem: str = "urn:tessera:problem:invalid-token"
) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == INVALID_TOKEN_CHALLENGE
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == problem
    assert body["detail"] == detail


def raw_payload(user_id: str, name: str, raw_json_value: str) -> str:
    """The genuine claims as JSON text with `name` set to `raw_json_value` verbatim (`1e309`, `NaN`, ...)."""
    text = json.dumps(claims(user_id, **{name: "\0raw\0"}))
    return text.replace(json.dumps("\0raw\0"), raw_json_value)


def sid_of(access_token: str) -> str:
    return str(json.loads(lenient_b64decode(access_token.split(".")[1]))["sid"])


async def test_a_token_forged_with_the_service_key_and_genuine_claims_is_accepted(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    """The control: every refusal below is caused by its one defect, not by the way tokens are made here."""
    response = await present(client, signed(header_for(signing_key), claims(user_id), signing_key))
    assert response.status_code == 200, response.text


# --- The algorithm: only the one the server pinned, whatever the header says ---


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("form", ["two segments", "empty signature", "a genuine RS256 signature"])
async def test_a_token_declaring_alg_none_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, alg: str, form: str
) -> None:
    header, payload = header_for(signing_key, alg=alg), claims(user_id)
    token = {
        "two segments": f"{segment(header)}.{segment(payload)}",
        "empty signature": unsigned(header, payload),
        "a genuine RS256 signature": signed(header, payload, signing_key, alg="RS256"),
    }[form]
    assert_refused(await present(client, token))


@pytest.mark.parametrize("secret_form", ["PEM", "JWK JSON", "compact JWK JSON"])
async def test_hs256_keyed_with_the_services_public_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, secret_form: str
) -> None:
    public = signing_key.as_dict(private=False)
    secret = {
        "PEM": signing_key.as_pem(private=False),
        "JWK JSON": json.dumps(public).encode(),
        "compact JWK JSON": json.dumps(public, separators=(",", ":")).encode(),
    }[secret_form]
    token = hmac_signed(header_for(signing_key, alg="HS256"), claims(user_id), secret)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("alg", ["RS384", "RS512", "PS256", "PS512"])
async def test_another_rsa_algorithm_signed_with_the_real_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, alg: str
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key, alg=alg), claims(user_id), signing_key)))


async def test_es256_signed_with_a_foreign_key_under_our_kid_is_refused(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    token = signed(header_for(signing_key, alg="ES256"), claims(user_id), attacker_ec_key())
    assert_refused(await present(client, token))


async def test_rs256_signed_with_a_foreign_key_under_our_kid_is_refused(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id), attacker_rsa_key())))


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


# --- The claims: exact values, well-typed numbers, within the leeway ---

LOOKALIKE_ISSUERS = [
    "https://auth.tessera.test.evil",
    "https://auth.tessera.tes",
    "https://auth.tessera.test/",
    "https://auth.tessera.test.",
    "HTTPS://AUTH.TESSERA.TEST",
    "http://auth.tessera.test",
    "https://auth.tessera.test\u0000",
    "https://evil.example/https://auth.tessera.test",
    ["https://auth.tessera.test"],
    None,
    ...,
]


@pytest.mark.parametrize("iss", LOOKALIKE_ISSUERS)
async def test_an_issuer_that_is_not_exactly_ours_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, iss: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id, iss=iss), signing_key)))


@pytest.mark.parametrize(
    "aud",
    ["someone-else", "tessera-tests.evil", "tessera-test", "", ["someone-else"], [], {"tessera-tests": 1}, None, ...],
)
async def test_an_audience_that_does_not_name_us_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, aud: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id, aud=aud), signing_key)))


@pytest.mark.parametrize(
    "exp", [..., NOW - 3600, NOW - 120, 0, -1], ids=["absent", "an hour ago", "2 min ago", "0", "-1"]
)
async def test_a_token_without_an_expiry_or_past_it_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, exp: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id, exp=exp), signing_key)))


BEYOND_FLOAT = "1" + "0" * 400
MALFORMED_NUMBERS = [
    '"4102444800"',
    "true",
    "false",
    "null",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "[1]",
    "{}",
]


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        *[(name, raw) for name in ("exp", "iat", "nbf") for raw in MALFORMED_NUMBERS if (name, raw) != ("nbf", "null")],
        pytest.param("nbf", "null"),
        ("iat", "1e308"),
        ("nbf", "1e308"),
        *[
            pytest.param(name, sign + BEYOND_FLOAT, id=f"{name}-{sign}10**400")
            for name in ("exp", "iat", "nbf")
            for sign in ("", "-")
        ],
    ],
)
async def test_a_time_claim_that_is_not_a_usable_number_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, name: str, raw: str
) -> None:
    """Written verbatim into the payload: `1e309` parses to infinity, `NaN` to nan, ten to the 400 to an int."""
    token = signed(header_for(signing_key), raw_payload(user_id, name, raw), signing_key)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("name", ["iat", "nbf"])
async def test_a_token_dated_in_the_future_beyond_the_leeway_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, name: str
) -> None:
    token = signed(header_for(signing_key), claims(user_id, **{name: int(time.time()) + 300}), signing_key)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("name", ["iat", "nbf"])
async def test_a_token_dated_in_the_future_within_the_leeway_is_accepted(
    client: Client, signing_key: RSAKey, user_id: str, name: str
) -> None:
    """The leeway is 30 s; 10 s ahead is clock skew, not an attack."""
    token = signed(header_for(signing_key), claims(user_id, **{name: int(time.time()) + 10}), signing_key)
    assert (await present(client, token)).status_code == 200


@pytest.mark.parametrize("name", ["sub", "jti", "sid"])
@pytest.mark.parametrize("value", [..., None, "", "not-a-uuid", 42, ["00000000-0000-0000-0000-000000000000"]])
async def test_a_token_without_a_uuid_subject_token_id_or_session_id_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, name: str, value: object
) -> None:
    token = signed(header_for(signing_key), claims(user_id, **{name: value}), signing_key)
    assert_refused(await present(client, token))


# --- The bytes: any change to an issued token, and anything that is not a compact JWS ---


@pytest.fixture
async def issued(client: Client, user_id: str) -> str:
    """An access token the app itself issued, through a real login."""
    return str((await log_in(client))["access_token"])


async def test_an_issued_token_is_accepted(client: Client, issued: str) -> None:
    assert (await present(client, issued)).status_code == 200


@pytest.mark.parametrize(
    "change", [{"roles": ["admin"]}, {"sub": str(uuid.uuid4())}, {"exp": NOW + 10 * 365 * 86400}], ids=str
)
async def test_a_tampered_payload_under_the_original_signature_is_refused(
    client: Client, issued: str, change: dict[str, Any]
) -> None:
    header, payload, signature = issued.split(".")
    forged = {**json.loads(lenient_b64decode(payload)), **change}
    assert_refused(await present(client, f"{header}.{segment(forged)}.{signature}"))


@pytest.mark.parametrize("where", ["first byte", "middle byte", "last byte", "truncated", "doubled", "empty"])
async def test_a_tampered_signature_is_refused(client: Client, issued: str, where: str) -> None:
    signing_input, _, signature = issued.rpartition(".")
    raw = bytearray(lenient_b64decode(signature))
    if where.endswith("byte"):
        raw[{"first byte": 0, "middle byte": len(raw) // 2, "last byte": -1}[where]] ^= 0x01
    changed = {"truncated": raw[:-1], "doubled": raw + raw, "empty": b""}.get(where, raw)
    tampered = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
    assert_refused(await present(client, f"{signing_input}.{tampered}"))


@pytest.mark.parametrize("part", [0, 1, 2], ids=["header", "payload", "signature"])
@pytest.mark.parametrize(
    "damage",
    ["standard alphabet +", "standard alphabet /", "padding =", "padding ==", "stray *", "a length no base64 has"],
)
async def test_a_segment_that_is_not_strict_base64url_is_refused(
    client: Client, issued: str, part: int, damage: str
) -> None:
    parts = issued.split(".")
    parts[part] = {
        "standard alphabet +": lambda s: "+" + s[1:],
        "standard alphabet /": lambda s: s[:-1] + "/",
        "padding =": lambda s: s + "=",
        "padding ==": lambda s: s + "==",
        "stray *": lambda s: s[:5] + "*" + s[5:],
        "a length no base64 has": lambda s: s + "A" * ((1 - len(s)) % 4),
    }[damage](parts[part])
    assert_refused(await present(client, ".".join(parts)))


@pytest.mark.parametrize(
    ("header", "payload"),
    [
        ("{not json", None),
        ('["alg", "RS256"]', None),
        ('"RS256"', None),
        ("null", None),
        (None, "{not json"),
        (None, "[]"),
        (None, '["iss", "aud", "sub"]'),
        (None, '"a string"'),
        (None, "42"),
        (None, "null"),
    ],
)
async def test_a_header_or_payload_that_is_not_a_json_object_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, header: str | None, payload: str | None
) -> None:
    """Signed with the real key, so only the shape of the JSON is wrong."""
    token = signed(header or header_for(signing_key), payload or claims(user_id), signing_key, alg="RS256")
    assert_refused(await present(client, token))


async def test_a_jwe_encrypted_to_the_services_public_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    public = RSAKey.import_key(signing_key.as_dict(private=False))
    header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "typ": "at+jwt", "kid": signing_key.kid}
    token = jwe.encrypt_compact(header, json.dumps(claims(user_id)), public, algorithms=["RSA-OAEP-256", "A256GCM"])
    assert token.count(".") == 4
    assert_refused(await present(client, token))


def counting_deserialisations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the calls into the token verifier, where all parsing and cryptography begin."""
    calls: list[int] = []
    real = JoserfcTokenVerifier.verify

    def counting(self: JoserfcTokenVerifier, token: str) -> Any:
        calls.append(1)
        return real(self, token)

    monkeypatch.setattr(JoserfcTokenVerifier, "verify", counting)
    return calls


async def test_an_oversized_authorization_header_is_refused_before_any_cryptography(
    client: Client, issued: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_deserialisations(monkeypatch)
    assert (await present(client, issued)).status_code == 200
    assert calls == [1], "the counter must see an ordinary verification, or it proves nothing below"

    response = await present(client, issued + "A" * 10 * 1024)
    assert_refused(response, detail="The Authorization header must be 'Bearer <token>'.")
    assert calls == [1]


# --- Token kinds and transports ---


async def test_a_refresh_token_presented_as_an_access_token_is_refused(client: Client, user_id: str) -> None:
    assert_refused(await present(client, (await log_in(client))["refresh_token"]))


async def test_an_access_token_presented_as_a_refresh_token_is_refused_and_spends_nothing(
    client: Client, user_id: str
) -> None:
    tokens = await log_in(client)
    response = await client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert_refused(
        response, detail="The refresh token is invalid or expired.", problem="urn:tessera:problem:invalid-refresh-token"
    )
    rotated = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200, rotated.text


async def test_a_token_in_the_query_string_is_ignored(client: Client, issued: str) -> None:
    response = await client.get("/api/user/profile", params={"access_token": issued})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="tessera"'
    assert response.json()["detail"] == "An access token is required."


# --- The access cookie: another way in, through the same verifier, to the same refusals ---

COOKIE_FORGERIES: dict[str, Callable[[RSAKey, str], str]] = {
    "alg none": lambda key, user: unsigned(header_for(key, alg="none"), claims(user)),
    "HS256 keyed with the public key": lambda key, user: hmac_signed(
        header_for(key, alg="HS256"), claims(user), key.as_pem(private=False)
    ),
    "a foreign key under our kid": lambda key, user: signed(header_for(key), claims(user), attacker_rsa_key()),
    "a jku of the attacker's": lambda key, user: signed(
        header_for(key, jku="https://attacker.example/keys"), claims(user), key
    ),
    "expired": lambda key, user: signed(header_for(key), claims(user, exp=NOW - 3600), key),
    "a lookalike issuer": lambda key, user: signed(header_for(key), claims(user, iss=ISSUER + ".evil"), key),
}


async def present_in_cookie(client: Client, token: str) -> httpx.Response:
    return await client.get("/api/user/profile", headers={"Cookie": f"{ACCESS_COOKIE}={token}"})


async def test_an_issued_token_in_the_access_cookie_is_accepted(client: Client, issued: str) -> None:
    assert (await present_in_cookie(client, issued)).status_code == 200


@pytest.mark.parametrize("forgery", COOKIE_FORGERIES)
async def test_a_forged_token_in_the_access_cookie_is_refused_like_one_in_the_header(
    client: Client, signing_key: RSAKey, user_id: str, forgery: str
) -> None:
    assert_refused(await present_in_cookie(client, COOKIE_FORGERIES[forgery](signing_key, user_id)))


async def test_an_oversized_access_cookie_is_refused_before_any_cryptography(
    client: Client, issued: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_deserialisations(monkeypatch)
    assert (await present_in_cookie(client, issued)).status_code == 200
    assert calls == [1], "the counter must see an ordinary verification, or it proves nothing below"
    assert_refused(await present_in_cookie(client, issued + "A" * 10 * 1024))
    assert calls == [1]


# --- Revocation: keyed on the session, so no re-encoding of a token outlives its logout ---


async def test_a_non_canonical_re_encoding_of_a_genuine_signature_is_refused(client: Client, issued: str) -> None:
    signing_input, _, signature = issued.rpartition(".")
    variant = non_canonical(signature)
    assert variant != signature and lenient_b64decode(variant) == lenient_b64decode(signature)
    assert_refused(await present(client, f"{signing_input}.{variant}"))


async def test_after_logout_the_token_and_its_re_encodings_are_refused(client: Client, issued: str) -> None:
    signing_input, _, signature = issued.rpartition(".")
    assert (await client.post("/auth/logout", headers={"Authorization": f"Bearer {issued}"})).status_code == 204
    assert_refused(await present(client, issued))
    assert_refused(await present(client, f"{signing_input}.{non_canonical(signature)}"))


async def test_after_logout_no_token_of_that_session_is_accepted_even_a_newly_signed_one(
    client: Client, signing_key: RSAKey, user_id: str, issued: str
) -> None:
    def another_token_of_the_session() -> str:
        return signed(header_for(signing_key), claims(user_id, sid=sid_of(issued)), signing_key)

    assert (await present(client, another_token_of_the_session())).status_code == 200
    assert (await client.post("/auth/logout", headers={"Authorization": f"Bearer {issued}"})).status_code == 204
    assert_refused(await present(client, another_token_of_the_session()))
