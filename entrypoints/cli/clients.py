"""`tessera clients hash`: the TESSERA_OAUTH_CLIENTS entry of a trusted client, from its secret.

The secret is read from stdin (never from argv, which other users of the machine can see), or made
fresh with `--generate`. Only its SHA-256 goes into configuration.
"""

import secrets
import sys
from typing import TextIO

from domain.clients import CLIENT_ID, MIN_SECRET_LENGTH, hash_client_secret

GENERATED_SECRET_BYTES = 32


def run_client_command(client_id: str, *, generate: bool, stdin: TextIO | None = None) -> int:
    if not CLIENT_ID.fullmatch(client_id):
        print("tessera: a client id is letters, digits and ._~-, at most 64 characters", file=sys.stderr)
        return 2
    if generate:
        secret = secrets.token_urlsafe(GENERATED_SECRET_BYTES)
        print(f"client_secret: {secret}")
        print(f"TESSERA_OAUTH_CLIENTS entry: {client_id}:{hash_client_secret(secret)}")
        return 0
    secret = (stdin or sys.stdin).readline().rstrip("\r\n")
    if len(secret) < MIN_SECRET_LENGTH:
        print(
            f"tessera: the secret on stdin must be at least {MIN_SECRET_LENGTH} characters of random "
            "(or use --generate)",
            file=sys.stderr,
        )
        return 2
    print(f"{client_id}:{hash_client_secret(secret)}")
    return 0
