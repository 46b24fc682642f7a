"""Scanning captured output for secrets: every secret a flow handled, and the markers of secret material.

A flow records each secret it handles (`Secrets.password(...)`, `.access_token(...)`, ...); `leaks(text)`
then names every one found in the text. `audit_events(text)` reads back the JSON lines of `tessera.audit`.
"""

import hashlib
import json
from typing import Any

MARKERS = {
    "$argon2": "an argon2 hash",
    '"d":': "a private JWK member",
    "-----BEGIN": "a PEM block",
    "PRIVATE KEY": "a PEM private key",
}
AUDIT_LOGGER = "tessera.audit"


class Secrets:
    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def add(self, value: str, what: str) -> None:
        if value:
            self._values[value] = what

    def password(self, value: str) -> None:
        self.add(value, "a password")

    def access_token(self, token: str) -> None:
        self.add(token, "an access token")
        self.add(token.rsplit(".", 1)[-1], "an access token's signature")

    def refresh_token(self, token: str) -> None:
        self.add(token, "a refresh token")
        self.add(hashlib.sha256(token.encode()).hexdigest(), "a refresh token's SHA-256")

    def client_secret(self, secret: str) -> None:
        self.add(secret, "a client secret")

    def leaks(self, text: str) -> list[str]:
        found = [f"{what} ({value[:12]}…)" for value, what in self._values.items() if value in text]
        return found + [what for marker, what in MARKERS.items() if marker in text]

    def __len__(self) -> int:
        return len(self._values)


def audit_events(text: str) -> list[dict[str, Any]]:
    """Every event logged on `tessera.audit`, in order: the JSON object that ends its line, whichever
    format the line has (the CLI's `logging.basicConfig`, or Litestar's once the app has started)."""
    return [
        json.loads(line[line.index("{", line.index(AUDIT_LOGGER)) :])
        for line in text.splitlines()
        if AUDIT_LOGGER in line
    ]
