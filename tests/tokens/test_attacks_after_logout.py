"""Revocation is keyed on the session, so no re-encoding of a token, and no newly signed token of that
session, outlives its logout."""

import pytest
from joserfc.jwk import RSAKey

from tests.support.flows import Client
from tests.support.forgery import (
    claims,
    header_for,
    lenient_b64decode,
    non_canonical,
    signed,
)
from tests.support.token_attacks import assert_refused, present, sid_of

pytestmark = [pytest.mark.anyio, pytest.mark.app]


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
