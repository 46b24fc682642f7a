"""A trusted backend client for the /oauth/* tests: its configured entry and its Basic header."""

import base64
import hashlib

from domain.clients import TrustedClient

CLIENT_ID = "orders-api"
CLIENT_SECRET = "orders-api-secret-0123456789abcdefghijklmnop"
CLIENT = TrustedClient(CLIENT_ID, hashlib.sha256(CLIENT_SECRET.encode()).hexdigest())


def basic(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
