"""The revocation feed, read in the background: a revoked session's tokens are refused without a call per
request; polling starts with the first verification or start(), and stops with close()."""

import asyncio
import time
import uuid

import httpx
import pytest
from joserfc.jwk import RSAKey
from tessera_verifier import InvalidToken, RevocationsUnknown, Verifier
from tessera_verifier.polling import RevocationPoller, basic_header
from tessera_verifier.revocations import RevocationList

from tests.support.forgery import claims, header_for, signed
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import BASE, CLIENT_ID, FakeTessera

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())
FEED = {"revocations_url": f"{BASE}/oauth/revocations", "client_id": CLIENT_ID}


def token_of(key: RSAKey, sid: str) -> str:
    return signed(header_for(key), claims(USER, sid=sid), key)


def refused_within(verify: object, token: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            verify(token)  # type: ignore[operator]
        except InvalidToken:
            return
        assert time.monotonic() < deadline, "still accepted"
        time.sleep(0.02)


def test_a_revoked_session_is_refused_and_the_others_are_not(
    watching_verifier: Verifier, tessera: FakeTessera, key: RSAKey
) -> None:
    revoked, kept = str(uuid.uuid4()), str(uuid.uuid4())
    assert watching_verifier.verify(token_of(key, revoked)).sid == revoked
    tessera.revoke(revoked)
    refused_within(watching_verifier.verify, token_of(key, revoked))
    assert watching_verifier.verify(token_of(key, kept)).sid == kept


def test_a_session_revoked_before_the_verifier_started_is_refused_at_once(tessera: FakeTessera, key: RSAKey) -> None:
    sid = str(uuid.uuid4())
    tessera.revoke(sid)
    secret = "orders-api-secret-0123456789abcdefghijklmnop"
    with verifier_for(tessera, client_secret=secret, **FEED) as verifier, pytest.raises(InvalidToken):
        verifier.verify(token_of(key, sid))


def test_polling_starts_with_the_first_verification_and_stops_with_close(tessera: FakeTessera, key: RSAKey) -> None:
    secret = "orders-api-secret-0123456789abcdefghijklmnop"
    verifier = verifier_for(tessera, client_secret=secret, poll_interval=0.02, **FEED)
    time.sleep(0.1)
    assert tessera.feed_requests == []
    verifier.verify(token_of(key, str(uuid.uuid4())))
    time.sleep(0.2)
    verifier.close()
    polled = len(tessera.feed_requests)
    assert polled >= 2 and tessera.feed_requests[-1].url.params.get("after")
    time.sleep(0.1)
    assert len(tessera.feed_requests) == polled


def test_the_async_verifier_polls_in_a_task_and_sees_a_revocation(tessera: FakeTessera, key: RSAKey) -> None:
    sid = str(uuid.uuid4())

    async def scenario() -> None:
        secret = "orders-api-secret-0123456789abcdefghijklmnop"
        async with verifier_for(tessera, client_secret=secret, poll_interval=0.02, **FEED) as verifier:
            assert (await verifier.averify(token_of(key, sid))).sid == sid
            tessera.revoke(sid)
            deadline = time.monotonic() + 5
            while True:
                try:
                    await verifier.averify(token_of(key, sid))
                except InvalidToken:
                    return
                assert time.monotonic() < deadline
                await asyncio.sleep(0.02)

    asyncio.run(scenario())


@pytest.mark.parametrize("when_stale", ["refuse", "accept"])
def test_with_a_wrong_client_secret_every_token_is_refused(tessera: FakeTessera, key: RSAKey, when_stale: str) -> None:
    """The feed was never read: no way to know what is revoked, so nothing is accepted (and it is logged),
    even by a verifier told to accept tokens while the feed is stale: it never was fresh."""
    options = {"client_secret": "wrong", "when_stale": when_stale, **FEED}
    with verifier_for(tessera, **options) as verifier, pytest.raises(RevocationsUnknown):
        verifier.verify(token_of(key, str(uuid.uuid4())))


def test_while_tessera_is_down_within_the_staleness_bound_known_revocations_stand_and_live_sessions_verify(
    watching_verifier: Verifier, tessera: FakeTessera, key: RSAKey
) -> None:
    revoked, live = str(uuid.uuid4()), str(uuid.uuid4())
    tessera.revoke(revoked)
    refused_within(watching_verifier.verify, token_of(key, revoked))
    tessera.down = True
    time.sleep(0.2)
    assert watching_verifier.verify(token_of(key, live)).sid == live
    with pytest.raises(InvalidToken):
        watching_verifier.verify(token_of(key, revoked))


def test_a_revocation_is_forgotten_once_its_window_and_the_leeway_have_passed() -> None:
    now = [1000.0]
    revocations = RevocationList(leeway=30, clock=lambda: now[0], stale_after=2)
    sid = str(uuid.uuid4())
    revocations.apply(
        f'{{"revocations": [{{"sid": "{sid}", "revoked_at": 1000}}], "cursor": "1", "window": 930}}'.encode()
    )
    now[0] = 1000 + 930 + 29
    revocations.apply(b'{"revocations": [], "cursor": "2", "window": 930}')
    assert revocations.is_revoked(sid)
    now[0] = 1000 + 930 + 31
    revocations.apply(b'{"revocations": [], "cursor": "3", "window": 930}')
    assert not revocations.is_revoked(sid) and revocations.cursor == "3"


@pytest.mark.parametrize(
    "body", [b"[]", b'{"revocations": [{"sid": "x", "revoked_at": 1}], "cursor": "1", "window": 9}']
)
def test_an_answer_that_is_not_a_feed_changes_nothing(body: bytes) -> None:
    revocations = RevocationList(leeway=30, stale_after=2)
    with pytest.raises(ValueError, match=r"not a|badly formed"):
        revocations.apply(body)
    assert not revocations.synced and revocations.cursor is None


def test_the_feed_without_a_trusted_client_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="trusted client"):
        Verifier("https://auth.tessera.test", "api", f"{BASE}/jwks", revocations_url=f"{BASE}/oauth/revocations")


def _poller(tessera: FakeTessera) -> tuple[RevocationPoller, httpx.Client]:
    authorization = basic_header(CLIENT_ID, "orders-api-secret-0123456789abcdefghijklmnop")
    revocations = RevocationList(leeway=30, stale_after=120)
    poller = RevocationPoller(f"{BASE}/oauth/revocations", authorization, revocations, interval=60)
    return poller, httpx.Client(transport=httpx.MockTransport(tessera.handle))


def test_one_poll_follows_the_feeds_pages_to_the_last_and_knows_every_revocation(tessera: FakeTessera) -> None:
    """Third review, item 15: five revocations in pages of two."""
    tessera.page_size = 2
    sids = [str(uuid.uuid4()) for _ in range(5)]
    for sid in sids:
        tessera.revoke(sid)
    poller, client = _poller(tessera)

    poller.poll(client)

    assert all(poller.revocations.is_revoked(sid) for sid in sids) and len(poller.revocations) == 5
    assert poller.revocations.synced
    assert [r.url.params.get("after") for r in tessera.feed_requests] == [None, "page:2", "page:4"]


def test_a_read_that_fails_between_pages_is_not_synced_and_resumes_at_the_page_it_failed_on(
    tessera: FakeTessera,
) -> None:
    tessera.page_size, tessera.failing_pages = 2, {4}
    sids = [str(uuid.uuid4()) for _ in range(5)]
    for sid in sids:
        tessera.revoke(sid)
    poller, client = _poller(tessera)

    poller.poll(client)
    assert (len(poller.revocations), poller.revocations.synced, poller.revocations.cursor) == (4, False, "page:4")
    tessera.failing_pages = set()
    poller.poll(client)

    assert all(poller.revocations.is_revoked(sid) for sid in sids) and poller.revocations.synced
    assert tessera.feed_requests[-1].url.params["after"] == "page:4"


def test_a_feed_whose_more_is_not_a_boolean_changes_nothing() -> None:
    revocations = RevocationList(leeway=30, stale_after=2)
    with pytest.raises(ValueError, match="not a"):
        revocations.apply(b'{"revocations": [], "cursor": "1", "window": 930, "more": "yes"}')
    assert not revocations.synced and revocations.cursor is None


def test_until_a_read_reaches_its_last_page_the_verifier_refuses_every_token(tessera: FakeTessera, key: RSAKey) -> None:
    """An unread page may hold any session: a live one's token waits for the read to complete."""
    tessera.page_size, tessera.failing_pages = 2, {2}
    for _ in range(3):
        tessera.revoke(str(uuid.uuid4()))
    secret = "orders-api-secret-0123456789abcdefghijklmnop"
    live = str(uuid.uuid4())
    verifier = verifier_for(tessera, client_secret=secret, poll_interval=0.05, **FEED)
    try:
        with pytest.raises(InvalidToken):
            verifier.verify(token_of(key, live))  # starts the verifier: its first read stops at page 2
        tessera.failing_pages = set()
        deadline = time.monotonic() + 5
        while True:
            try:
                assert verifier.verify(token_of(key, live)).sid == live
                break
            except InvalidToken:
                assert time.monotonic() < deadline, "still refused"
                time.sleep(0.02)
    finally:
        verifier.close()


def test_a_cursor_tessera_refuses_as_malformed_is_dropped_and_the_next_read_starts_afresh(tessera: FakeTessera) -> None:
    """A cursor of another tessera version (or a corrupted one) is answered 400, every time: kept, it would hold
    the feed stale, and every token refused, until the service restarted. A read without a cursor is complete."""
    sid = str(uuid.uuid4())
    tessera.revoke(sid)
    poller, _ = _poller(tessera)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("after") == "from-another-version":
            tessera.feed_requests.append(request)
            return httpx.Response(400, json={"status": 400, "detail": "`after` is not a cursor tessera gave"})
        return tessera.handle(request)

    client = httpx.Client(transport=httpx.MockTransport(handle))
    poller.revocations.cursor = "from-another-version"
    poller.poll(client)
    assert not poller.revocations.synced and poller.revocations.cursor is None
    poller.poll(client)

    assert poller.revocations.synced and poller.revocations.is_revoked(sid)
    assert [r.url.params.get("after") for r in tessera.feed_requests] == ["from-another-version", None]
