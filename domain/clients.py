"""Trusted backend clients: the services that may introspect and revoke tokens (RFC 7662, RFC 7009).

A client is configured by its id and the SHA-256 of its secret, never the secret itself. SHA-256 is
enough because the secret is high-entropy (at least `MIN_SECRET_LENGTH` characters, generated), so
there is nothing to brute-force; a slow hash would only make every introspection slow.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,63}")
"""Letters, digits and `._~-`, up to 64: safe in HTTP Basic, in a log line and in a comma-separated list."""
SECRET_HASH = re.compile(r"[0-9a-f]{64}")
MIN_SECRET_LENGTH = 32
_NO_CLIENT = "0" * 64
"""Compared against when the client id is unknown, so that an unknown client costs what a wrong secret does."""


class InvalidClientEntry(ValueError):
    """A configured client that is not `client_id:sha256hex`."""


def hash_client_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TrustedClient:
    client_id: str
    secret_hash: str
    """Lower-case hex SHA-256 of the client secret."""


def parse_trusted_clients(text: str) -> tuple[TrustedClient, ...]:
    """`id:sha256hex,id2:sha256hex`; blanks around entries are ignored, a repeated id is an error.
    Errors name an entry by its position, never by its text: a mistaken entry may hold a secret."""
    clients: dict[str, TrustedClient] = {}
    entries = [part.strip() for part in text.split(",") if part.strip()]
    for position, entry in enumerate(entries, start=1):
        client_id, _, secret_hash = (part.strip() for part in entry.partition(":"))
        if not CLIENT_ID.fullmatch(client_id) or not SECRET_HASH.fullmatch(secret_hash.lower()):
            raise InvalidClientEntry(
                f"entry {position} is not client_id:sha256hex (an id of letters, digits and ._~-, at most 64, "
                "then the 64 hex digits of the SHA-256 of the secret; `tessera clients hash` prints one)"
            )
        if client_id in clients:
            raise InvalidClientEntry(f"entry {position} repeats the client id {client_id!r}")
        clients[client_id] = TrustedClient(client_id, secret_hash.lower())
    return tuple(clients.values())


class TrustedClients:
    """Authenticates a client by id and secret in constant time: an unknown id and a wrong secret
    take the same comparison and give the same answer."""

    def __init__(self, clients: Iterable[TrustedClient]) -> None:
        self._hashes = {client.client_id: client.secret_hash for client in clients}

    def authenticate(self, client_id: str, secret: str) -> bool:
        expected = self._hashes.get(client_id, _NO_CLIENT)
        matches = hmac.compare_digest(expected.encode(), hash_client_secret(secret).encode())
        return matches and client_id in self._hashes

    def __len__(self) -> int:
        return len(self._hashes)
