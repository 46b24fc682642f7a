"""Defences of the token verifier that no attack over HTTP reaches on its own, proven where they live:
one algorithm a key, a length bound before parsing, strict base64url."""

import base64
import binascii
import json

import pytest
from joserfc import jws

from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier, _b64url
from adapters.crypto.signing_keys import SigningKeySet, generate_key
from domain.claims import MAX_TOKEN_LENGTH
from domain.errors import InvalidAccessToken

pytestmark = pytest.mark.anyio


def test_each_key_verifies_only_under_its_own_algorithm_name() -> None:
    ed = generate_key("EdDSA")
    keys = SigningKeySet(ed, "EdDSA")
    payload = json.dumps({"sub": "x"})
    same_key_other_name = jws.serialize_compact(
        {"alg": "Ed25519", "typ": "at+jwt", "kid": keys.kid}, payload, ed, algorithms=["Ed25519"]
    )
    keys.install((ed, "EdDSA"), [(ed, "EdDSA"), (generate_key("Ed25519"), "Ed25519")])

    with pytest.raises(InvalidAccessToken):
        JoserfcTokenVerifier(keys).verify(same_key_other_name)


def test_an_oversized_token_is_refused_before_any_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = SigningKeySet(generate_key("ES256"), "ES256")

    def must_not_parse(*_: object, **__: object) -> None:
        raise AssertionError("parsed an oversized token")

    monkeypatch.setattr("adapters.crypto.joserfc_token_verifier._b64url", must_not_parse)
    with pytest.raises(InvalidAccessToken):
        JoserfcTokenVerifier(keys).verify("a" * (MAX_TOKEN_LENGTH - 1) + ".b.c")


GENUINE_PART = base64.urlsafe_b64encode(b"genuine bytes!?>").rstrip(b"=").decode()


def test_the_token_decoder_reads_unpadded_base64url() -> None:
    assert _b64url(GENUINE_PART) == b"genuine bytes!?>"
    assert _b64url("") == b""


@pytest.mark.parametrize(
    "spelling",
    [
        GENUINE_PART + "=",
        GENUINE_PART[:3] + "+" + GENUINE_PART[4:],
        GENUINE_PART[:3] + "/" + GENUINE_PART[4:],
        GENUINE_PART[:4] + "\n" + GENUINE_PART[4:],
        " " + GENUINE_PART,
        GENUINE_PART[:4] + "\u00e9" + GENUINE_PART[5:],
        GENUINE_PART[:2] + "\x00" + GENUINE_PART[3:],
        GENUINE_PART[:-1] + chr(ord(GENUINE_PART[-1]) + 1),
        "abcde",
    ],
    ids=["padding", "plus", "slash", "newline", "space", "non-ascii", "nul", "stray low bits", "impossible length"],
)
def test_the_token_decoder_refuses_every_other_spelling(spelling: str) -> None:
    with pytest.raises((ValueError, binascii.Error)):
        _b64url(spelling)
