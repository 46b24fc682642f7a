"""What every example app reads from its environment: where tessera is, and its trusted client."""

import os

from tessera_verifier import Verifier


def verifier_from_environment() -> Verifier:
    tessera = os.environ["TESSERA_URL"]
    return Verifier(
        os.environ["TESSERA_ISSUER"],
        os.environ["TESSERA_AUDIENCE"],
        f"{tessera}/.well-known/jwks.json",
        revocations_url=f"{tessera}/oauth/revocations",
        client_id=os.environ["TESSERA_CLIENT_ID"],
        client_secret=os.environ["TESSERA_CLIENT_SECRET"],
        stale_after_polls=float(os.environ.get("TESSERA_STALE_AFTER_POLLS", "2")),
    )
