"""A client that keeps its session alive by rotating its refresh token, spread round-robin over replicas."""

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import httpx

from domain.sessions import hash_refresh_token
from tests.replicas.replicas import Replica

GIVE_UP_AFTER_SECONDS = 90.0


class RefreshingClient(threading.Thread):
    """Each answer's refresh token is the next one presented, as a real client's would be. After a
    transport error (the replica died, the answer was lost) or a 5xx, the same token is presented
    again at the next replica: that retry is what the rotation grace window is for.

    `chain` holds the hashes of every refresh token the client received, in order, from the login's
    on; the stored chain of its session must be exactly that."""

    def __init__(
        self,
        replicas: list[Replica],
        login: dict[str, str],
        *,
        refreshes: int | None = None,
        first_turn: int = 0,
        pause_seconds: float = 0.0,
        on_rotation: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(daemon=True)
        self._replicas, self._turn = replicas, first_turn
        self._refreshes, self._pause, self._on_rotation = refreshes, pause_seconds, on_rotation
        self.refresh_token, self.access_token = login["refresh_token"], login["access_token"]
        self.chain = [hash_refresh_token(self.refresh_token)]
        self.statuses: Counter[int] = Counter()
        self.transport_errors = 0
        self.failure: str | None = None
        self._retrying = False
        self._finish = threading.Event()
        self._abandon = threading.Event()

    @property
    def rotations(self) -> int:
        return len(self.chain) - 1

    def finish(self) -> None:
        """Stops after the request in flight, if it succeeds (a retry is never abandoned half-way)."""
        self._finish.set()
        self.join(timeout=GIVE_UP_AFTER_SECONDS)
        assert not self.is_alive(), "a refreshing client hung"

    def abandon(self) -> None:
        """Stops at once, mid-retry if need be: for a test that failed."""
        self._abandon.set()

    def run(self) -> None:
        clients = {replica.name: replica.client(timeout=10) for replica in self._replicas}
        deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
        try:
            while self._refreshes is None or self.rotations < self._refreshes:
                if time.monotonic() > deadline:
                    self.failure = f"gave up after {GIVE_UP_AFTER_SECONDS} s"
                    return
                if self._abandon.is_set() or (self._finish.is_set() and not self._retrying):
                    return
                self._present(clients[self._replicas[self._turn % len(self._replicas)].name])
                self._turn += 1
                if self.failure is not None:
                    return
                time.sleep(self._pause)
        except BaseException as error:  # handed to the test, which asserts there was none
            self.failure = repr(error)
        finally:
            for client in clients.values():
                client.close()

    def _present(self, client: httpx.Client) -> None:
        try:
            response = client.post("/auth/refresh", json={"refresh_token": self.refresh_token})
        except httpx.TransportError:
            self.transport_errors += 1
            self._retrying = True
            return
        self.statuses[response.status_code] += 1
        self._retrying = response.status_code != 200
        if response.status_code >= 500:  # a server error: the same token is presented again, a little later
            time.sleep(0.1)
        elif response.status_code == 200:
            tokens = response.json()
            self.refresh_token, self.access_token = tokens["refresh_token"], tokens["access_token"]
            self.chain.append(hash_refresh_token(self.refresh_token))
            self._on_rotation()
        else:
            self.failure = f"{response.status_code} from {client.base_url}: {response.text}"


@contextlib.contextmanager
def refreshing(clients: list[RefreshingClient]) -> Iterator[list[RefreshingClient]]:
    """Starts the clients; if the test fails meanwhile, abandons them rather than let them retry on."""
    for client in clients:
        client.start()
    try:
        yield clients
    except BaseException:
        for client in clients:
            client.abandon()
        raise
