"""Any change to the bytes of an issued token, and anything that is not a compact JWS, is refused; an
oversized header before any cryptography."""

import base64
import json
import uuid
from typing import Any

import pytest
from joserfc import jwe
from joserfc.jwk import RSAKey

from tests.support.flows import Client
from tests.support.forgery import (
    claims,
    header_for,
    lenient_b64decode,
    segment,
    signed,
)
from tests.support.token_attacks import NOW, assert_refused, counting_deserialisations, present

pytestmark = [pytest.mark.anyio, pytest.mark.app]


# --- The bytes: any change to an issued token, and anything that is not a compact JWS ---


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


async def test_an_oversized_authorization_header_is_refused_before_any_cryptography(
    client: Client, issued: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_deserialisations(monkeypatch)
    assert (await present(client, issued)).status_code == 200
    assert calls == [1], "the counter must see an ordinary verification, or it proves nothing below"

    response = await present(client, issued + "A" * 10 * 1024)
    assert_refused(response, detail="The Authorization header must be 'Bearer <token>'.")
    assert calls == [1]
