"""The JWKS fetched over HTTP when `JwksCache` says so: sync (a thread lock) or async (an asyncio lock)."""

import asyncio
import threading

import httpx

from tessera_verifier.compact import Compact
from tessera_verifier.jwks import JwksCache, JwksTiming
from tessera_verifier.keys import KeySet, SignatureCheck


class KeySource:
    """One fetch at a time: a caller that waited for the lock checks again whether a fetch is still due,
    so a burst of requests makes one fetch. The HTTP clients are shared with the revocation poller."""

    def __init__(
        self,
        jwks_url: str,
        timing: JwksTiming,
        timeout: float,
        http_client: httpx.Client | None,
        async_http_client: httpx.AsyncClient | None,
    ) -> None:
        self._url, self._timeout = jwks_url, timeout
        self._cache = JwksCache(timing)
        self._client, self._async_client = http_client, async_http_client
        self._owns_client, self._owns_async_client = http_client is None, async_http_client is None
        self.lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    @property
    def keys(self) -> KeySet | None:
        return self._cache.keys

    def check_for(self, compact: Compact) -> tuple[SignatureCheck | None, KeySet | None]:
        keys = self._cache.keys
        return (None if keys is None else keys.check(compact.kid, compact.alg)), keys

    def refresh_if_due(self) -> None:
        if self._cache.is_due():
            with self.lock:
                if self._cache.is_due():
                    self._fetch()

    async def arefresh_if_due(self) -> None:
        if self._cache.is_due():
            async with self.async_lock():
                if self._cache.is_due():
                    await self._afetch()

    def check_fetching_unknown(self, compact: Compact) -> tuple[SignatureCheck | None, KeySet | None]:
        """The check for the token's kid and alg; an unknown kid fetches at once, within its rate limit."""
        found = self.check_for(compact)
        if found[0] is None and self._cache.may_fetch_for_unknown_kid(compact.kid):
            with self.lock:
                self._fetch()
            found = self.check_for(compact)
        return found

    async def acheck_fetching_unknown(self, compact: Compact) -> tuple[SignatureCheck | None, KeySet | None]:
        found = self.check_for(compact)
        if found[0] is None and self._cache.may_fetch_for_unknown_kid(compact.kid):
            async with self.async_lock():
                await self._afetch()
            found = self.check_for(compact)
        return found

    def _fetch(self) -> None:
        try:
            response = self.client().get(self._url, headers=self._cache.request_headers())
        except httpx.HTTPError:
            self._cache.failed()
            return
        self._cache.fetched(response.status_code, dict(response.headers), response.content)

    async def _afetch(self) -> None:
        try:
            response = await self.async_client().get(self._url, headers=self._cache.request_headers())
        except httpx.HTTPError:
            self._cache.failed()
            return
        self._cache.fetched(response.status_code, dict(response.headers), response.content)

    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout)
        return self._client

    def async_client(self) -> httpx.AsyncClient:
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(timeout=self._timeout)
        return self._async_client

    def async_lock(self) -> asyncio.Lock:
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        return self._async_lock

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()

    async def aclose(self) -> None:
        if self._async_client is not None and self._owns_async_client:
            await self._async_client.aclose()
        self.close()
