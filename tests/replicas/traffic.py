"""Bounded traffic through a failover: sessions opened, refreshed and closed in a loop, and verified
requests, spread over the replicas. Every answer is kept with its moment, to find the window."""

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from domain.sessions import hash_refresh_token
from tests.replicas.flows import bearer
from tests.replicas.replicas import Replica
from tests.support.http import PASSWORD

GIVE_UP_AFTER_SECONDS = 120.0
RETRY_AFTER_SECONDS = 0.1
REFRESHES_PER_SESSION = 5


@dataclass(frozen=True)
class Answer:
    at: float
    """`time.monotonic()` when the answer (or the transport error, status 0) came."""
    operation: str
    status: int
    where: str = ""
    """The replica that answered."""


@dataclass
class SessionLedger:
    """What a client was told about one session: the refresh tokens it received (their hashes, in
    order), the newest of them, and whether its logout was acknowledged (204), and when."""

    chain: list[str]
    refresh_token: str
    access_token: str
    logged_out_at: float | None = None


@dataclass(eq=False)  # a thread: hashed by identity
class Traffic(threading.Thread):
    """One user's sessions: log in, refresh five times, log out, again, each step at the next replica.
    A 503 or a transport error retries the same step with the same token, as a client would; any
    other answer but the expected one ends the thread with `failure` set."""

    replicas: list[Replica]
    email: str
    first_turn: int = 0
    pause_seconds: float = 0.05
    answers: list[Answer] = field(default_factory=list)
    sessions: list[SessionLedger] = field(default_factory=list)
    failure: str | None = None

    def __post_init__(self) -> None:
        super().__init__(daemon=True)
        self._turn = self.first_turn
        self._finish = threading.Event()

    def refreshes_since(self, moment: float) -> int:
        return sum(1 for a in self.answers if a.operation == "refresh" and a.status == 200 and a.at > moment)

    def finish(self) -> None:
        self._finish.set()
        self.join(timeout=GIVE_UP_AFTER_SECONDS)
        assert not self.is_alive(), "a traffic thread hung"

    def run(self) -> None:
        clients = [replica.client(timeout=20) for replica in self.replicas]
        deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
        try:
            while not self._finish.is_set() and time.monotonic() < deadline and self.failure is None:
                self._one_session(clients)
        except BaseException as error:  # handed to the test, which asserts there was none
            self.failure = repr(error)
        finally:
            for client in clients:
                client.close()

    def _one_session(self, clients: list[httpx.Client]) -> None:
        tokens = self._until_answered(
            clients, "login", 200, "/auth/login", json={"email": self.email, "password": PASSWORD}
        )
        if tokens is None:
            return
        session = SessionLedger(
            [hash_refresh_token(tokens["refresh_token"])], tokens["refresh_token"], tokens["access_token"]
        )
        self.sessions.append(session)
        for _ in range(REFRESHES_PER_SESSION):
            rotated = self._until_answered(
                clients, "refresh", 200, "/auth/refresh", json={"refresh_token": session.refresh_token}
            )
            if rotated is None:
                return
            session.refresh_token, session.access_token = rotated["refresh_token"], rotated["access_token"]
            session.chain.append(hash_refresh_token(session.refresh_token))
        if (
            self._until_answered(clients, "logout", 204, "/auth/logout", headers=bearer(session.access_token))
            is not None
        ):
            session.logged_out_at = time.monotonic()

    def _until_answered(
        self, clients: list[httpx.Client], operation: str, expected: int, path: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        while self.failure is None:
            client = clients[self._turn % len(clients)]
            self._turn += 1
            try:
                response = client.post(path, **kwargs)
            except httpx.TransportError as error:
                self.answers.append(Answer(time.monotonic(), operation, 0, str(client.base_url)))
                self.failure = f"{operation} at {client.base_url}: {error!r}"
                return None
            self.answers.append(Answer(time.monotonic(), operation, response.status_code, str(client.base_url)))
            if response.status_code == expected:
                time.sleep(self.pause_seconds)
                return dict(response.json()) if response.content else {}
            if response.status_code != 503:
                self.failure = f"{operation} at {client.base_url}: {response.status_code} {response.text}"
                return None
            if not response.headers.get("content-type", "").startswith("application/problem+json"):
                self.failure = f"{operation} at {client.base_url}: a 503 that is not problem JSON: {response.text}"
                return None
            time.sleep(RETRY_AFTER_SECONDS)
        return None


@dataclass(eq=False)
class Verifying(threading.Thread):
    """`GET /api/user/session` with one live access token, at each replica in turn, without pause but
    for a breath: the token alone is checked, so none of these may fail, whatever the database does."""

    replicas: list[Replica]
    access_token: str
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)
        self._finish = threading.Event()

    def finish(self) -> None:
        self._finish.set()
        self.join(timeout=30)
        assert not self.is_alive(), "the verifying thread hung"

    def run(self) -> None:
        clients = [replica.client(timeout=10) for replica in self.replicas]
        turn = 0
        try:
            while not self._finish.is_set():
                client = clients[turn % len(clients)]
                turn += 1
                try:
                    status = client.get("/api/user/session", headers=bearer(self.access_token)).status_code
                except httpx.TransportError:
                    status = 0
                self.answers.append(Answer(time.monotonic(), "verify", status))
                time.sleep(0.02)
        finally:
            for client in clients:
                client.close()
