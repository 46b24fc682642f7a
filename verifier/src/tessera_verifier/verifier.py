"""Verifies tessera's access tokens where they are consumed: the same rules as tessera itself."""

import logging
import math
import time
from collections.abc import Callable
from typing import Any, Self

import httpx

from tessera_verifier.claims import Claims, Validity
from tessera_verifier.compact import parse
from tessera_verifier.discovery import DiscoveryFailed, ServerMetadata, afetch_metadata, fetch_metadata
from tessera_verifier.errors import InvalidToken
from tessera_verifier.jwks import DEFAULT_TIMING, JwksTiming
from tessera_verifier.key_source import KeySource
from tessera_verifier.polling import RevocationPoller, basic_header
from tessera_verifier.revocations import RevocationList
from tessera_verifier.staleness import FeedStatus, StaleFeedPolicy, WhenStale
from tessera_verifier.verified import VerifiedTokens

log = logging.getLogger("tessera_verifier")

REVOCATION_PROMISE = 2.0
"""Seconds within which tessera promises a logout is refused downstream (docs/verifying-tokens.md §4)."""


class Verifier:
    """`verify(token)` (sync) or `await averify(token)` (async) answers the token's `Claims`, or raises
    `InvalidToken` for anything tessera itself would refuse.

    With a trusted client (`revocations_url`, `client_id`, `client_secret`) it reads tessera's revocation
    feed every `poll_interval` seconds in the background (a thread after `verify` or `start()`, a task
    after `averify` or `astart()`), with no call per request, and refuses the tokens of revoked sessions;
    until the feed has been read once, it refuses every token. `close()` / `aclose()` stop it; or use
    `with` / `async with`. `http_client` / `async_http_client`: your own (proxies, TLS); you close them.

    The feed is stale once its last good read was asked more than `stale_after_polls` × `poll_interval`
    seconds ago (2 × 1 s by default: the 2 s revocation promise). Then a token that passes every other rule
    raises `RevocationsUnknown` (an `InvalidToken`; the integrations answer 503 with `Retry-After`); with
    `when_stale="accept"` it is accepted instead, logged and counted (`feed_status`). A bound longer than
    2 s is logged as a warning when the verifier is made: it breaks the promise during an outage. `monotonic`:
    the clock staleness is measured on (a test's own)."""

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
        stale_after_polls: float = 2.0,
        when_stale: WhenStale = "refuse",
        timeout: float = 5.0,
        jwks_timing: JwksTiming = DEFAULT_TIMING,
        max_remembered_tokens: int = 50_000,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if revocations_url is not None and not (client_id and client_secret):
            raise ValueError("the revocation feed needs a trusted client: client_id and client_secret")
        if not poll_interval > 0 or not stale_after_polls > 1:
            raise ValueError("poll_interval must be positive and stale_after_polls more than 1 (one poll per bound)")
        self.issuer, self.audience, self.leeway = issuer, audience, leeway
        self._keys = KeySource(jwks_url, jwks_timing, timeout, http_client, async_http_client)
        self._verified = VerifiedTokens(issuer, audience, max_remembered_tokens)
        self._stale = StaleFeedPolicy(when_stale, max(1, math.ceil(poll_interval)))
        self._poller: RevocationPoller | None = None
        if revocations_url is not None and client_id and client_secret:
            stale_after = stale_after_polls * poll_interval
            if stale_after > REVOCATION_PROMISE:
                log.warning(
                    "tessera's revocation feed may be %.1f s stale before tokens are refused: longer than the "
                    "%.0f s within which a logout is promised to be refused",
                    stale_after,
                    REVOCATION_PROMISE,
                )
            revocations = RevocationList(leeway, stale_after=stale_after, monotonic=monotonic)
            authorization = basic_header(client_id, client_secret)
            self._poller = RevocationPoller(revocations_url, authorization, revocations, poll_interval)
        self._started = self._poller is None
        self.metadata: ServerMetadata | None = None
        """tessera's RFC 8414 metadata, when made by `discover` / `adiscover`."""

    @classmethod
    def discover(
        cls,
        issuer: str,
        audience: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        timeout: float = 5.0,
        http_client: httpx.Client | None = None,
        **options: Any,
    ) -> Self:
        """A verifier from the issuer alone: the key set and (with a trusted client) the revocation feed are
        those of the metadata at `<issuer>/.well-known/oauth-authorization-server` (RFC 8414 §3.1). Raises
        `DiscoveryFailed` if it cannot be read or names another issuer (§3.3): tessera must be up when the
        service starts. `options`: the constructor's."""
        client = http_client or httpx.Client(timeout=timeout)
        try:
            metadata = fetch_metadata(issuer, client)
        finally:
            if http_client is None:
                client.close()
        return cls._from_metadata(metadata, audience, client_id, client_secret, timeout, http_client, options)

    @classmethod
    async def adiscover(
        cls,
        issuer: str,
        audience: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - each HTTP request's timeout, as the constructor's
        async_http_client: httpx.AsyncClient | None = None,
        **options: Any,
    ) -> Self:
        """`discover`, awaited: for a service whose start-up runs in the event loop (a lifespan)."""
        client = async_http_client or httpx.AsyncClient(timeout=timeout)
        try:
            metadata = await afetch_metadata(issuer, client)
        finally:
            if async_http_client is None:
                await client.aclose()
        options["async_http_client"] = async_http_client
        return cls._from_metadata(metadata, audience, client_id, client_secret, timeout, None, options)

    @classmethod
    def _from_metadata(
        cls,
        metadata: ServerMetadata,
        audience: str,
        client_id: str | None,
        client_secret: str | None,
        timeout: float,
        http_client: httpx.Client | None,
        options: dict[str, Any],
    ) -> Self:
        feed = None
        if client_id or client_secret:
            feed = metadata.revocation_feed_endpoint
            if feed is None:
                raise DiscoveryFailed("the metadata names no revocation_feed_endpoint for the trusted client")
        options.setdefault("http_client", http_client)
        verifier = cls(
            metadata.issuer,
            audience,
            metadata.jwks_uri,
            revocations_url=feed,
            client_id=client_id,
            client_secret=client_secret,
            timeout=timeout,
            **options,
        )
        verifier.metadata = metadata
        return verifier

    def verify(self, token: str) -> Claims:
        if not self._started:
            self.start()
        self._keys.refresh_if_due()
        found = self._verified.get(token, self._keys.keys)
        if found is None:
            compact = parse(token)
            check, keys = self._keys.check_fetching_unknown(compact)
            if check is None or keys is None:
                raise InvalidToken
            found = self._verified.verify(token, compact, check, keys)
        return self._judged(*found)

    async def averify(self, token: str) -> Claims:
        if not self._started:
            await self.astart()
        await self._keys.arefresh_if_due()
        found = self._verified.get(token, self._keys.keys)
        if found is None:
            compact = parse(token)
            check, keys = await self._keys.acheck_fetching_unknown(compact)
            if check is None or keys is None:
                raise InvalidToken
            found = self._verified.verify(token, compact, check, keys)
        return self._judged(*found)

    def _judged(self, claims: Claims, validity: Validity) -> Claims:
        if not validity.holds_at(time.time(), self.leeway):
            raise InvalidToken
        poller = self._poller
        if poller is None:
            return claims
        revocations = poller.revocations
        if revocations.is_revoked(claims.sid):
            raise InvalidToken
        if not revocations.synced:
            return self._stale.judge(claims, revocations.age())
        self._stale.fresh()
        return claims

    @property
    def feed_status(self) -> FeedStatus | None:
        """The revocation feed's freshness and the stale counters (None without a feed): for a health check
        (`synced`) or a metric (`accepted_while_stale`)."""
        if self._poller is None:
            return None
        revocations = self._poller.revocations
        return FeedStatus(
            synced=revocations.synced,
            age=revocations.age(),
            stale_after=revocations.stale_after,
            accepted_while_stale=self._stale.accepted,
            refused_while_stale=self._stale.refused,
        )

    def start(self) -> None:
        """Reads the revocation feed once, then in a background thread. Idempotent; nothing without a client."""
        with self._keys.lock:
            if self._started or self._poller is None:
                return
            self._poller.poll(self._keys.client())
            self._poller.start_thread(self._keys.client())
            self._started = True

    async def astart(self) -> None:
        """Reads the revocation feed once, then in a task of the running loop. Idempotent."""
        async with self._keys.async_lock():
            if self._started or self._poller is None:
                return
            await self._poller.apoll(self._keys.async_client())
            self._poller.start_task(self._keys.async_client())
            self._started = True

    def close(self) -> None:
        if self._poller is not None:
            self._poller.stop()
        self._keys.close()

    async def aclose(self) -> None:
        if self._poller is not None:
            await self._poller.astop()
        await self._keys.aclose()

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
