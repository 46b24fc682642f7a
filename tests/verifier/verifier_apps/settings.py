"""What every example app reads from its environment: where tessera is, and its trusted client. Without
TESSERA_URL, the verifier starts from the issuer alone (tessera's RFC 8414 metadata names the rest)."""

import os

from tessera_verifier import Verifier


def verifier_from_environment() -> Verifier:
    issuer, audience = os.environ["TESSERA_ISSUER"], os.environ["TESSERA_AUDIENCE"]
    client_id, client_secret = os.environ["TESSERA_CLIENT_ID"], os.environ["TESSERA_CLIENT_SECRET"]
    stale_after_polls = float(os.environ.get("TESSERA_STALE_AFTER_POLLS", "2"))
    tessera = os.environ.get("TESSERA_URL")
    if tessera is None:
        return Verifier.discover(
            issuer, audience, client_id=client_id, client_secret=client_secret, stale_after_polls=stale_after_polls
        )
    return Verifier(
        issuer,
        audience,
        f"{tessera}/.well-known/jwks.json",
        revocations_url=f"{tessera}/oauth/revocations",
        client_id=client_id,
        client_secret=client_secret,
        stale_after_polls=stale_after_polls,
    )
