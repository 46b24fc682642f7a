"""The verifier refuses every token the server's own attack suite says tessera refuses (the same catalogue)."""

import asyncio
import uuid

import pytest
from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import JWSRegistry
from tessera_verifier import InvalidToken, Verifier

from tests.support.forgery import claims, header_for, lenient_b64decode, signed
from tests.verifier.attacks import acceptances, es256_forgeries, forgeries
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import FakeTessera

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())


def issued_by(key: RSAKey, **changes: object) -> str:
    return signed(header_for(key), claims(USER, **changes), key)


def test_a_genuine_token_verifies_to_its_claims_custom_ones_included(verifier: Verifier, key: RSAKey) -> None:
    sid = str(uuid.uuid4())
    verified = verifier.verify(issued_by(key, sid=sid, roles=["admin"], tenant="acme"))
    assert (verified.sub, verified.sid, verified.roles) == (USER, sid, ("admin",))
    assert verified["tenant"] == "acme" and verified.exp > verified.iat


def test_every_forgery_of_the_servers_attack_suite_is_refused(verifier: Verifier, key: RSAKey) -> None:
    tokens = forgeries(key, USER, issued_by(key))
    assert verifier.verify(tokens.pop("control")).sub == USER
    accepted, codes = [], set()
    for name, token in tokens.items():
        try:
            verifier.verify(token)
        except InvalidToken as refused:
            codes.add((refused.error, refused.description))
        else:
            accepted.append(name)
    assert accepted == []
    assert codes == {("invalid_token", "The access token is invalid or expired.")}
    assert len(tokens) > 100


def test_every_forgery_is_refused_by_the_async_path_too(verifier: Verifier, key: RSAKey) -> None:
    tokens = forgeries(key, USER, issued_by(key))

    async def accepted() -> list[str]:
        assert (await verifier.averify(tokens.pop("control"))).sub == USER
        found = []
        for name, token in tokens.items():
            try:
                await verifier.averify(token)
            except InvalidToken:
                continue
            found.append(name)
        await verifier.aclose()
        return found

    assert asyncio.run(accepted()) == []


def test_every_token_of_the_servers_catalogue_at_the_edges_of_its_rules_is_accepted(
    verifier: Verifier, key: RSAKey
) -> None:
    tokens = acceptances(key, USER)
    assert {name: verifier.verify(token).sub for name, token in tokens.items()} == dict.fromkeys(tokens, USER)


def accepted_by(verify: object, token: str) -> bool:
    try:
        verify(token)  # type: ignore[operator]
    except InvalidToken:
        return False
    return True


def test_es256_is_accepted_in_the_low_s_spelling_only_as_tessera_writes_it() -> None:
    """The catalogue's ES256 cases: the genuine low-S token verifies, every other spelling of its signature is
    refused, the high S although plain ECDSA accepts it (tessera refuses it: the two sides' rules agree)."""
    key = ECKey.generate_key("P-256", private=True)
    key.ensure_kid()
    tokens = es256_forgeries(key, USER)
    high_s = tokens["high S: the control's s replaced by n - s"]
    signing_input, _, signature = high_s.rpartition(".")
    assert JWSRegistry.algorithms["ES256"].verify(signing_input.encode(), lenient_b64decode(signature), key)

    control = tokens.pop("control")
    with verifier_for(FakeTessera(keys=[(key, "ES256")])) as verifier:
        assert verifier.verify(control).sub == USER
        assert [name for name, token in tokens.items() if accepted_by(verifier.verify, token)] == []

    async def accepted_async() -> list[str]:
        async with verifier_for(FakeTessera(keys=[(key, "ES256")])) as verifier:
            assert (await verifier.averify(control)).sub == USER
            found = []
            for name, token in tokens.items():
                try:
                    await verifier.averify(token)
                except InvalidToken:
                    continue
                found.append(name)
            return found

    assert asyncio.run(accepted_async()) == []
