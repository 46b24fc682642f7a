"""Key files in PEM or JWK form, for each supported algorithm; the dev key is made once and kept."""

import json
import os
import stat
from pathlib import Path

import pytest
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey, RSAKey

from adapters.crypto.ecdsa_low_s import with_low_s
from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.key_files import load_or_create_dev_key, read_private_key
from adapters.crypto.signing_keys import KeyConfigurationError, SigningKeySet, generate_key
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from tests.support.builders import a_user

pytestmark = pytest.mark.app

CLAIMS = AccessClaims(
    iss="https://issuer",
    aud="aud",
    sub=a_user().id,
    exp=2_000_000_000,
    iat=1_900_000_000,
    jti=a_user().id,
    sid=a_user().id,
    roles=("admin",),
)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA", "Ed25519"])
def test_each_algorithm_signs_tokens_its_own_verifier_accepts_and_others_refuse(alg: str) -> None:
    keys = SigningKeySet(generate_key(alg), alg)
    token = JoserfcTokenSigner(keys).sign_now(CLAIMS)
    assert JoserfcTokenVerifier(keys).verify(token) == CLAIMS.as_payload()

    other = SigningKeySet(generate_key(alg), alg)
    with pytest.raises(InvalidAccessToken):
        JoserfcTokenVerifier(other).verify(token)


def test_a_pem_key_file_signs_with_its_rfc7638_thumbprint_as_kid(tmp_path: Path) -> None:
    key = RSAKey.generate_key(2048, private=True)
    path = tmp_path / "signing.pem"
    path.write_bytes(key.as_pem(private=True))

    loaded = read_private_key(path, "RS256")

    assert loaded.kid == key.thumbprint()
    assert SigningKeySet(loaded, "RS256").jwks()["keys"][0]["kid"] == key.thumbprint()


def test_a_jwk_key_file_keeps_its_own_kid(tmp_path: Path) -> None:
    key = ECKey.generate_key("P-256", private=True, parameters={"kid": "2026-11-primary"})
    path = tmp_path / "signing.jwk"
    path.write_text(json.dumps(key.as_dict(private=True)))
    assert read_private_key(path, "ES256").kid == "2026-11-primary"


@pytest.mark.parametrize(
    ("contents", "alg"),
    [
        (b"not a key", "RS256"),
        (RSAKey.generate_key(2048, private=True).as_pem(private=False), "RS256"),
        (ECKey.generate_key("P-256", private=True).as_pem(private=True), "RS256"),
        (RSAKey.generate_key(2048, private=True).as_pem(private=True), "ES256"),
        (ECKey.generate_key("P-384", private=True).as_pem(private=True), "ES256"),
        (OKPKey.generate_key("X25519", private=True).as_pem(private=True), "EdDSA"),
        (RSAKey.generate_key(1024, private=True).as_pem(private=True), "RS256"),
    ],
    ids=["garbage", "public-only", "ec-for-rs256", "rsa-for-es256", "p384-for-es256", "x25519-for-eddsa", "rsa-1024"],
)
def test_a_key_file_that_does_not_fit_is_a_configuration_error(tmp_path: Path, contents: bytes, alg: str) -> None:
    path = tmp_path / "key"
    path.write_bytes(contents)
    with pytest.raises(KeyConfigurationError):
        read_private_key(path, alg)


def test_the_dev_key_is_created_private_on_first_start_and_reused_after(tmp_path: Path) -> None:
    path = tmp_path / "dev" / "key.jwk"
    first = load_or_create_dev_key(path, "RS256")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_dev_key(path, "RS256").thumbprint() == first.thumbprint()


def test_jwks_never_carries_private_parameters() -> None:
    for alg in ("RS256", "ES256", "Ed25519"):
        (published,) = SigningKeySet(generate_key(alg), alg).jwks()["keys"]
        assert "d" not in published and not {"p", "q", "dp", "dq", "qi"} & set(published)
        assert published["use"] == "sig" and published["alg"] == alg


def test_a_jwk_file_with_extra_members_publishes_only_the_public_key(tmp_path: Path) -> None:
    key = RSAKey.generate_key(2048, private=True, parameters={"key_ops": ["sign"], "kid": "k1", "x5t": "abc"})
    path = tmp_path / "signing.jwk"
    path.write_text(json.dumps(key.as_dict(private=True)))

    (published,) = SigningKeySet(read_private_key(path, "RS256"), "RS256").jwks()["keys"]

    assert set(published) == {"kty", "n", "e", "kid", "alg", "use"}
    assert published["kid"] == "k1"


@pytest.mark.parametrize("typ", ["at+jwt", "AT+JWT", "application/at+jwt"])
def test_the_access_token_type_may_be_written_short_or_as_a_full_media_type(typ: str) -> None:
    keys = SigningKeySet(generate_key("ES256"), "ES256")
    token = jws.serialize_compact(
        {"alg": "ES256", "typ": typ, "kid": keys.kid},
        json.dumps(CLAIMS.as_payload()),
        keys.active,
        algorithms=["ES256"],
    )
    token = with_low_s(token)  # joserfc leaves a high S half the time, which tessera refuses
    assert JoserfcTokenVerifier(keys).verify(token)["sid"] == str(CLAIMS.sid)


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "https://attacker.example/jwks.json"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}},
        {"x5c": ["MIIB"]},
        {"cty": "JWT"},
    ],
    ids=lambda extra: next(iter(extra)),
)
def test_a_header_parameter_tessera_never_writes_is_refused_even_when_correctly_signed(
    extra: dict[str, object],
) -> None:
    keys = SigningKeySet(generate_key("ES256"), "ES256")
    header = {"alg": "ES256", "typ": "at+jwt", "kid": keys.kid, **extra}
    token = jws.serialize_compact(header, json.dumps(CLAIMS.as_payload()), keys.active, algorithms=["ES256"])
    with pytest.raises(InvalidAccessToken):
        JoserfcTokenVerifier(keys).verify(token)
