"""Watching a key rotation from outside: what each replica publishes, and which key it signs with, over time.

Each observation keeps when its request began and when its answer came, so that the order of events
is judged soundly: a JWKS request that began after a token signed by the new key was received must
list that key, whatever the polling period.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.replicas.flows import kid_of, published_kids, refresh, session_status
from tests.replicas.replicas import Replica

WATCH_EVERY_SECONDS = 0.05
WATCH_AT_MOST_SECONDS = 60.0


@dataclass(frozen=True)
class Seen:
    began: float
    ended: float
    replica: str
    kids: frozenset[str]
    """The kids of the JWKS, or the one kid of a token just signed."""


class Watcher(threading.Thread):
    """Asks every replica in turn, every 50 ms, until told to finish (or for a minute at most)."""

    def __init__(self, replicas: list[Replica], look: Callable[[Replica], frozenset[str]]) -> None:
        super().__init__(daemon=True)
        self.replicas, self.look = replicas, look
        self.seen: list[Seen] = []
        self.error: BaseException | None = None
        self._stop_watching = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + WATCH_AT_MOST_SECONDS
        try:
            while not self._stop_watching.is_set() and time.monotonic() < deadline:
                for replica in self.replicas:
                    began = time.time()
                    kids = self.look(replica)
                    self.seen.append(Seen(began, time.time(), replica.name, kids))
                time.sleep(WATCH_EVERY_SECONDS)
        except BaseException as error:  # handed to the test, which asserts there was none
            self.error = error

    def finish(self) -> None:
        self._stop_watching.set()
        self.join(timeout=30)
        assert not self.is_alive() and self.error is None, self.error

    def first(self, replica: str, kid: str) -> float | None:
        """When an answer of `replica` first named `kid`."""
        return next((s.ended for s in self.seen if s.replica == replica and kid in s.kids), None)


def jwks_watcher(replicas: list[Replica]) -> Watcher:
    return Watcher(replicas, lambda replica: frozenset(published_kids(replica)))


class SigningWatch:
    """Refreshes a session of its own at each replica, to see which key signs there; the first token
    of each replica signed by another key than `old_kid` is presented at every replica at once."""

    def __init__(self, replicas: list[Replica], refresh_tokens: dict[str, str], old_kid: str) -> None:
        self._replicas, self._chains, self._old_kid = replicas, refresh_tokens, old_kid
        self.refused_elsewhere: list[tuple[str, str, int]] = []
        self.switched: set[str] = set()
        self.watcher = Watcher(replicas, self._sign)

    def _sign(self, replica: Replica) -> frozenset[str]:
        with replica.client() as client:
            response = refresh(client, self._chains[replica.name])
        assert response.status_code == 200, (replica.name, response.text)
        tokens = response.json()
        self._chains[replica.name] = tokens["refresh_token"]
        kid = kid_of(tokens["access_token"])
        if kid != self._old_kid and replica.name not in self.switched:
            self.switched.add(replica.name)
            for other in self._replicas:
                if (status := session_status(other, tokens["access_token"])) != 200:
                    self.refused_elsewhere.append((replica.name, other.name, status))
        return frozenset({kid})
