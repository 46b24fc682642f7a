"""Reading tessera's revocation feed every second: a thread for sync apps, a task for async ones."""

import asyncio
import base64
import logging
import threading
from urllib.parse import quote_plus

import httpx

from tessera_verifier.revocations import RevocationList

log = logging.getLogger("tessera_verifier")

MAX_PAGES_PER_POLL = 100
"""A poll follows the feed's pages (up to 1000 revocations each) until the last; past this many, the
rest waits for the next tick, from the cursor kept, so one poll is bounded however large a mass revocation."""


def basic_header(client_id: str, secret: str) -> str:
    """client_secret_basic (RFC 6749 §2.3.1): id and secret form-urlencoded, then base64."""
    return "Basic " + base64.b64encode(f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()).decode()


class RevocationPoller:
    """Polls `url` with the cursor of the last good read, following its pages to the last one, so a mass
    revocation larger than a page is known in full after one poll. A failed read (unreachable, a 401 for a
    rotated secret, anything but a feed) changes nothing and is retried at the next tick, from the page it
    failed on: what was known stays known, and the list grows stale (`RevocationList.synced`), which the
    verifier acts on."""

    def __init__(self, url: str, authorization: str, revocations: RevocationList, interval: float) -> None:
        self._url = url
        self._headers = {"Authorization": authorization, "Accept": "application/json"}
        self.revocations = revocations
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None or self._task is not None

    def poll(self, client: httpx.Client) -> None:
        for _ in range(MAX_PAGES_PER_POLL):
            sent_at = self.revocations.monotonic()
            try:
                response = client.get(self._url, params=self._params(), headers=self._headers)
            except httpx.HTTPError as error:
                log.warning("tessera's revocation feed is unreachable: %s", error)
                return
            if not self._read(response, sent_at):
                return

    async def apoll(self, client: httpx.AsyncClient) -> None:
        for _ in range(MAX_PAGES_PER_POLL):
            sent_at = self.revocations.monotonic()
            try:
                response = await client.get(self._url, params=self._params(), headers=self._headers)
            except httpx.HTTPError as error:
                log.warning("tessera's revocation feed is unreachable: %s", error)
                return
            if not self._read(response, sent_at):
                return

    def start_thread(self, client: httpx.Client) -> None:
        def run() -> None:
            while not self._stop.wait(self._interval):
                self.poll(client)

        self._thread = threading.Thread(target=run, name="tessera-revocations", daemon=True)
        self._thread.start()

    def start_task(self, client: httpx.AsyncClient) -> None:
        async def run() -> None:
            while True:
                await asyncio.sleep(self._interval)
                await self.apoll(client)

        self._task = asyncio.get_running_loop().create_task(run(), name="tessera-revocations")

    def stop(self) -> None:
        """Stops the thread (waiting for it) and cancels the task."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._task is not None:
            self._task.cancel()

    async def astop(self) -> None:
        task, self._task = self._task, None
        self.stop()
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _params(self) -> dict[str, str]:
        cursor = self.revocations.cursor
        return {} if cursor is None else {"after": cursor}

    def _read(self, response: httpx.Response, sent_at: float) -> bool:
        """Applies one page, asked at `sent_at`; True if the next should be read at once."""
        if response.status_code == 401:
            log.error("tessera's revocation feed refused this client's credentials (a rotated client secret?)")
            return False
        if response.status_code != 200:
            log.error("tessera's revocation feed answered %s: %s", response.status_code, response.text[:200])
            return False
        try:
            return self.revocations.apply(response.content, sent_at)
        except ValueError as error:
            log.error("tessera's revocation feed answered something else than a feed: %s", error)
            return False
