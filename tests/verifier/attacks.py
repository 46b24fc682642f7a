"""The server's token attacks (tests/tokens/test_attacks_*.py), as one catalogue of tokens that a
downstream verifier must refuse too: each is valid but for its one defect (`forgeries(...)["control"]`,
made the same way without a defect, is accepted). `forgeries` for an RS256 tessera, `es256_forgeries` for
an ES256 one, and `acceptances`, the tokens at the edges of the rules that both must accept; the server
replays them (tests/tokens/test_shared_attack_catalogue.py), and so does the verifier
(tests/verifier/test_token_rules.py, tests/verifier/test_verifier_integrations.py). One catalogue, two
readers: a rule changed on one side fails the other's tests."""

import base64
import functools
import json
import time
import uuid

from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from joserfc import jwe
from joserfc.jwk import ECKey, RSAKey

from tests.support.forgery import (
    AUDIENCE,
    ISSUER,
    P256_ORDER,
    attacker_ec_key,
    attacker_rsa_key,
    claims,
    es256_scalars,
    header_for,
    hmac_signed,
    lenient_b64decode,
    non_canonical,
    segment,
    signed,
    unsigned,
    with_es256_s,
    with_signature,
)
from tests.support.token_attacks import LOOKALIKE_ISSUERS, MALFORMED_NUMBERS


def forgeries(key: RSAKey, user_id: str, issued: str, issuer: str = ISSUER) -> dict[str, str]:
    """By name: tokens forged with tessera's own signing `key`, and alterations of a token it `issued`, for a
    tessera whose TESSERA_ISSUER is `issuer`."""
    now = int(time.time())
    ours = functools.partial(claims, iss=issuer)
    tokens = {"control": signed(header_for(key), ours(user_id), key)}
    header, payload = header_for(key), ours(user_id)
    for alg in ("none", "None", "NONE", "nOnE"):
        none = header_for(key, alg=alg)
        tokens[f"alg {alg}, two segments"] = f"{segment(none)}.{segment(payload)}"
        tokens[f"alg {alg}, empty signature"] = unsigned(none, payload)
        tokens[f"alg {alg}, a genuine RS256 signature"] = signed(none, payload, key, alg="RS256")
    tokens["HS256 keyed with the public key (PEM)"] = hmac_signed(
        header_for(key, alg="HS256"), payload, key.as_pem(private=False)
    )
    tokens["HS256 keyed with the public key (JWK)"] = hmac_signed(
        header_for(key, alg="HS256"), payload, json.dumps(key.as_dict(private=False)).encode()
    )
    for alg in ("RS384", "RS512", "PS256", "PS512"):
        tokens[f"{alg} with the real key"] = signed(header_for(key, alg=alg), payload, key)
    tokens["ES256 by a foreign key under our kid"] = signed(header_for(key, alg="ES256"), payload, attacker_ec_key())
    tokens["RS256 by a foreign key under our kid"] = signed(header, payload, attacker_rsa_key())
    for name, kid in {"unknown": str(uuid.uuid4()), "empty": "", "number": 1, "null": None, "absent": ...}.items():
        tokens[f"kid {name}"] = signed(header_for(key, kid=kid), payload, key)
    attacker = attacker_rsa_key()
    for kid in (attacker.kid, key.kid):
        embedded = {**header_for(key, jwk=attacker.as_dict(private=False)), "kid": kid}
        tokens[f"embedded jwk, kid {'ours' if kid == key.kid else 'theirs'}"] = signed(embedded, payload, attacker)
    for member in ("jku", "x5u"):
        tokens[f"{member} in the header"] = signed(header_for(key, **{member: "https://evil.example/k"}), payload, key)
    tokens["crit"] = signed(header_for(key, crit=["urn:evil"], **{"urn:evil": True}), payload, key)
    tokens["zip"] = signed(header_for(key, zip="DEF"), payload, key)
    for typ in ("JWT", "jwt", "application/jwt", "", "at+jwt ", None, ...):
        tokens[f"typ {typ!r}"] = signed(header_for(key, typ=typ), payload, key)
    for iss in LOOKALIKE_ISSUERS:
        tokens[f"iss {iss!r}"] = signed(header, ours(user_id, iss=iss), key)
    for aud in ("someone-else", "tessera-tests.evil", "", ["someone-else"], [], None, ...):
        tokens[f"aud {aud!r}"] = signed(header, ours(user_id, aud=aud), key)
    for exp in (..., now - 3600, now - 120, 0):
        tokens[f"exp {exp!r}"] = signed(header, ours(user_id, exp=exp), key)
    for name in ("exp", "iat", "nbf"):
        for raw in MALFORMED_NUMBERS:
            if (name, raw) != ("nbf", "null"):
                text = json.dumps(ours(user_id, **{name: "\0raw\0"})).replace(json.dumps("\0raw\0"), raw)
                tokens[f"{name} {raw}"] = signed(header, text, key)
    for name in ("iat", "nbf"):
        tokens[f"{name} in the future"] = signed(header, ours(user_id, **{name: now + 600}), key)
    for name in ("sub", "jti", "sid"):
        for value in (..., None, "", "not-a-uuid", 42):
            tokens[f"{name} {value!r}"] = signed(header, ours(user_id, **{name: value}), key)
    tokens["roles not a list of strings"] = signed(header, ours(user_id, roles=[1]), key)
    tokens["header not an object"] = signed('["alg", "RS256"]', payload, key, alg="RS256")
    tokens["payload not an object"] = signed(header, "[]", key)
    first, second, signature = issued.split(".")
    escalated = {**json.loads(lenient_b64decode(second)), "roles": ["admin"]}
    tokens["tampered payload"] = f"{first}.{segment(escalated)}.{signature}"
    flipped = bytearray(lenient_b64decode(signature))
    flipped[0] ^= 1
    tokens["tampered signature"] = f"{first}.{second}.{base64.urlsafe_b64encode(flipped).rstrip(b'=').decode()}"
    tokens["truncated signature"] = f"{first}.{second}.{signature[:-4]}"
    tokens["non-canonical signature"] = f"{first}.{second}.{non_canonical(signature)}"
    tokens["padded signature"] = f"{issued}="
    tokens["oversized"] = issued + "A" * 5000
    public = RSAKey.import_key(key.as_dict(private=False))
    jwe_header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "typ": "at+jwt", "kid": key.kid}
    tokens["JWE"] = jwe.encrypt_compact(jwe_header, json.dumps(payload), public, algorithms=["RSA-OAEP-256", "A256GCM"])
    tokens["not a JWT"] = "a-refresh-token-perhaps"
    return tokens


def es256_forgeries(key: ECKey, user_id: str) -> dict[str, str]:
    """By name: an ES256 token signed with tessera's own P-256 `key` in the low-S spelling tessera writes
    (`control`, accepted), and the other spellings of that very signature, every one refused: `(r, n − s)`,
    which ECDSA itself accepts (joserfc writes it half the time), DER instead of `r ‖ s`, and `s` out of
    range or padded."""
    genuine = signed(header_for(key, alg="ES256"), claims(user_id), key)
    r, low = es256_scalars(genuine)
    padded = r.to_bytes(32, "big") + low.to_bytes(33, "big")
    return {
        "control": genuine,
        "high S: the control's s replaced by n - s": with_es256_s(genuine, P256_ORDER - low),
        "s zero": with_es256_s(genuine, 0),
        "s equal to n": with_es256_s(genuine, P256_ORDER),
        "DER-encoded (r, s)": with_signature(genuine, encode_dss_signature(r, low)),
        "s with a leading zero byte (65 bytes)": with_signature(genuine, padded),
    }


def acceptances(key: RSAKey, user_id: str, issuer: str = ISSUER) -> dict[str, str]:
    """By name: tokens both sides must accept, each at the edge of a rule the forgeries test from the other
    side (the leeway of the time claims, the audience, the claims tessera does not write itself)."""
    now = int(time.time())
    ours = functools.partial(claims, user_id, iss=issuer)
    header = header_for(key)
    within = 20  # seconds, inside the 30-s leeway both sides apply
    return {
        "control": signed(header, ours(), key),
        "nbf ahead, within the leeway": signed(header, ours(nbf=now + within), key),
        "iat ahead, within the leeway": signed(header, ours(iat=now + within), key),
        "exp passed, within the leeway": signed(header, ours(iat=now - 600, exp=now - within), key),
        "aud a list naming us": signed(header, ours(aud=["another-api", AUDIENCE]), key),
        "roles and custom claims": signed(header, ours(roles=["admin", "support"], tenant="acme"), key),
    }
