"""Client steps against served replicas, and the clock of propagation: how long until every replica agrees."""

import base64
import json
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import httpx

from tests.replicas.replicas import Replica
from tests.support.http import PASSWORD

POLL_EVERY_SECONDS = 0.1


class Measure(Protocol):
    """Records a measurement under a name, in seconds unless another unit is given (the `measure` fixture)."""

    def __call__(self, name: str, value: float, unit: str = "s") -> None: ...


def new_email() -> str:
    return f"scale-{uuid.uuid4().hex[:12]}@example.com"


def register(client: httpx.Client, email: str) -> None:
    response = client.post("/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text


def log_in(client: httpx.Client, email: str) -> dict[str, Any]:
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return dict(response.json())


def refresh(client: httpx.Client, refresh_token: str) -> httpx.Response:
    return client.post("/auth/refresh", json={"refresh_token": refresh_token})


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def kid_of(access_token: str) -> str:
    header = access_token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def session_status(replica: Replica, access_token: str) -> int:
    """`GET /api/user/session`: the token alone, judged by this replica's keys and revocation view."""
    return httpx.get(f"{replica.url}/api/user/session", headers=bearer(access_token), timeout=5).status_code


def published_kids(replica: Replica) -> set[str]:
    response = httpx.get(f"{replica.url}/.well-known/jwks.json", timeout=5)
    assert response.status_code == 200, response.text
    return {key["kid"] for key in response.json()["keys"]}


def seconds_until_each(
    replicas: Sequence[Replica], holds: Callable[[Replica], bool], *, within: float, since: float | None = None
) -> dict[str, float | None]:
    """For each replica, the seconds from `since` (a `time.monotonic()`, by default now) until `holds`
    first held there, polled every 100 ms; None where it never did within `within` seconds."""
    began = time.monotonic() if since is None else since
    found: dict[str, float | None] = {replica.name: None for replica in replicas}
    while True:
        for replica in replicas:
            if found[replica.name] is None and holds(replica):
                found[replica.name] = round(time.monotonic() - began, 3)
        if all(delay is not None for delay in found.values()) or time.monotonic() - began > within:
            return found
        time.sleep(POLL_EVERY_SECONDS)
