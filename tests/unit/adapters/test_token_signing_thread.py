"""An access token is signed off the event loop, on the signer's own thread: the private-key operation
is the longest single step of a login or a refresh, and the requests queued behind it wait for none of it."""

import threading

import pytest

from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import SigningKeySet, generate_key
from domain.claims import AccessClaims
from tests.support.builders import a_user

pytestmark = pytest.mark.anyio

CLAIMS = AccessClaims(
    iss="https://issuer",
    aud="aud",
    sub=a_user().id,
    exp=2_000_000_000,
    iat=1_900_000_000,
    jti=a_user().id,
    sid=a_user().id,
    roles=(),
)


async def test_tokens_are_signed_on_one_thread_of_the_signers_own_and_verify() -> None:
    keys = SigningKeySet(generate_key("RS256"), "RS256")
    signer = JoserfcTokenSigner(keys)
    signing_threads: list[int] = []
    sign_now = signer.sign_now

    def recording_sign_now(claims: AccessClaims) -> str:
        signing_threads.append(threading.get_ident())
        return sign_now(claims)

    signer.sign_now = recording_sign_now  # type: ignore[method-assign]

    tokens = [await signer.sign(CLAIMS) for _ in range(3)]

    assert len(set(signing_threads)) == 1 and threading.get_ident() not in signing_threads
    assert all(JoserfcTokenVerifier(keys).verify(token) == CLAIMS.as_payload() for token in tokens)
