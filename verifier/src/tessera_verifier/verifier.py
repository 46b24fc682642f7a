"""Verifies tessera's access tokens where they are consumed: the same rules as tessera itself."""

import asyncio
import threading
import time
from typing import Self

import httpx

from tessera_verifier.claims import Claims, Validity
from tessera_verifier.compact import Compact, parse
from tessera_verifier.errors import InvalidToken
from tessera_verifier.jwks import DEFAULT_TIMING, JwksCache, JwksTiming
from tessera_verifier.keys import KeySet, SignatureCheck
from tessera_verifier.polling import RevocationPoller, basic_header
from tessera_verifier.revocations import RevocationList
from tessera_verifier.verified import VerifiedTokens


class Verifier:
    """`verify(token)` (sync) or `await averify(token)` (async) answers the token's `Claims`, or raises
    `InvalidToken` for anything tessera itself would refuse.

    With a trusted client (`revocations_url`, `client_id`, `client_secret`) it reads tessera's revocation
    feed every `poll_interval` seconds in the background (a thread after `verify` or `start()`, a task
    after `averify` or `astart()`), with no call per request, and refuses the tokens of revoked sessions;
    until the feed has been read once, it refuses every token. `close()` / `aclose()` stop it; or use
    `with` / `async with`."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str,
        *,
        leeway: float = 30.0,
        revocations_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        poll_interval: float = 1.0,
        timeout: float = 5.0,
        jwks_timing: JwksTiming = DEFAULT_TIMING,
        max_remembered_tokens: int = 50_000,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
    ) -> None:
        """`http_client` / `async_http_client`: to use your own (proxies, TLS settings); you close them."""
        if revocations_url is not None and not (client_id and client_secret):
            raise ValueError("the revocation feed needs a trusted client: client_id and client_secret")
        self.issuer, self.audience, self.leeway = issuer, audience, leeway
        self._jwks_url, self._timeout = jwks_url, timeout
        self._jwks = JwksCache(jwks_timing)
        self._verified = VerifiedTokens(issuer, audience, max_remembered_tokens)
        self._client, self._async_client = http_client, async_http_client
        self._owns_client, self._owns_async_client = http_client is None, async_http_client is None
        self._lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None
        self._poller: RevocationPoller | None = None
        if revocations_url is not None and client_id and client_secret:
            authorization = basic_header(client_id, client_secret)
            self._poller = RevocationPoller(revocations_url, authorization, RevocationList(leeway), poll_interval)
        self._started = self._poller is None

    def verify(self, token: str) -> Claims:
        if not self._started:
            self.start()
        if self._jwks.is_due():
            with self._lock:
                if self._jwks.is_due():
                    self._fetch()
        found = self._verified.get(token, self._jwks.keys)
        if found is None:
            compact = parse(token)
            check, keys = self._lookup(compact)
            if check is None and self._jwks.may_fetch_for_unknown_kid(compact.kid):
                with self._lock:
                    self._fetch()
                check, keys = self._lookup(compact)
            if check is None or keys is None:
                raise InvalidToken
            found = self._verified.verify(token, compact, check, keys)
        return self._judged(*found)

    async def averify(self, token: str) -> Claims:
        if not self._started:
            await self.astart()
        if self._jwks.is_due():
            async with self._alock():
                if self._jwks.is_due():
                    await self._afetch()
        found = self._verified.get(token, self._jwks.keys)
        if found is None:
            compact = parse(token)
            check, keys = self._lookup(compact)
            if check is None and self._jwks.may_fetch_for_unknown_kid(compact.kid):
                async with self._alock():
                    await self._afetch()
                check, keys = self._lookup(compact)
            if check is None or keys is None:
                raise InvalidToken
            found = self._verified.verify(token, compact, check, keys)
        return self._judged(*found)

    def _lookup(self, compact: Compact) -> tuple[SignatureCheck | None, KeySet | None]:
        keys = self._jwks.keys
        return (None if keys is None else keys.check(compact.kid, compact.alg)), keys

    def _judged(self, claims: Claims, validity: Validity) -> Claims:
        if not validity.holds_at(time.time(), self.leeway):
            raise InvalidToken
        poller = self._poller
        if poller is not None and (not poller.revocations.synced or poller.revocations.is_revoked(claims.sid)):
            raise InvalidToken
        return claims

    def _fetch(self) -> None:
        try:
            response = self._sync_client().get(self._jwks_url, headers=self._jwks.request_headers())
        except httpx.HTTPError:
            self._jwks.failed()
            return
        self._jwks.fetched(response.status_code, dict(response.headers), response.content)

    async def _afetch(self) -> None:
        try:
            response = await self._async_http().get(self._jwks_url, headers=self._jwks.request_headers())
        except httpx.HTTPError:
            self._jwks.failed()
            return
        self._jwks.fetched(response.status_code, dict(response.headers), response.content)

    def _sync_client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout)
        return self._client

    def _async_http(self) -> httpx.AsyncClient:
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(timeout=self._timeout)
        return self._async_client

    def _alock(self) -> asyncio.Lock:
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        return self._async_lock

    def start(self) -> None:
        """Reads the revocation feed once, then in a background thread. Idempotent; nothing without a client."""
        with self._lock:
            if self._started or self._poller is None:
                return
            self._poller.poll(self._sync_client())
            self._poller.start_thread(self._sync_client())
            self._started = True

    async def astart(self) -> None:
        """Reads the revocation feed once, then in a task of the running loop. Idempotent."""
        async with self._alock():
            if self._started or self._poller is None:
                return
            await self._poller.apoll(self._async_http())
            self._poller.start_task(self._async_http())
            self._started = True

    def close(self) -> None:
        if self._poller is not None:
            self._poller.stop()
        if self._client is not None and self._owns_client:
            self._client.close()

    async def aclose(self) -> None:
        if self._poller is not None:
            await self._poller.astop()
        if self._async_client is not None and self._owns_async_client:
            await self._async_client.aclose()
        self.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        await self.astart()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()
