"""A stale revocation feed fails closed: once the last good read is older than `stale_after_polls` poll
intervals (2 s by default, tessera's revocation promise), a token that passes every other rule is refused as
`RevocationsUnknown` (503 at the integrations), and `synced` turns false; or, chosen explicitly, accepted,
logged and counted. First on a clock the test moves, then against a feed served over real HTTP that starts
refusing a rotated secret or stops answering."""

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from joserfc.jwk import RSAKey
from tessera_verifier import InvalidToken, RevocationsUnknown, Verifier
from tessera_verifier.revocations import RevocationList

from tests.support.forgery import claims, header_for, signed
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import AUDIENCE, BASE, CLIENT_ID, CLIENT_SECRET, ISSUER, FakeTessera
from tests.verifier.served_tessera import ServedTessera

pytestmark = [pytest.mark.app, pytest.mark.served]

USER = str(uuid.uuid4())
FEED = {"revocations_url": f"{BASE}/oauth/revocations", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
POLL = 60.0
"""On the moved clock: the background thread never ticks during a test, only the clock moves."""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def token_of(key: RSAKey, **changes: object) -> str:
    return signed(header_for(key), claims(USER, **changes), key)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_verifier(tessera: FakeTessera, clock: Clock) -> Iterator[Callable[..., Verifier]]:
    """A started verifier on the moved clock: its feed read once, at `clock.now`; stale after 2 × 60 s."""
    made: list[Verifier] = []

    def make(**options: object) -> Verifier:
        verifier = verifier_for(tessera, poll_interval=POLL, monotonic=clock, **{**FEED, **options})
        made.append(verifier)
        verifier.start()
        return verifier

    yield make
    for verifier in made:
        verifier.close()


def test_past_the_bound_a_valid_token_is_refused_as_revocations_unknown_and_synced_turns_false(
    make_verifier: Callable[..., Verifier], clock: Clock, key: RSAKey
) -> None:
    verifier = make_verifier()
    token = token_of(key)
    assert verifier.verify(token).sub == USER
    assert verifier.feed_status is not None and verifier.feed_status.synced and verifier.feed_status.age == 0

    clock.now += 2 * POLL  # exactly the bound: still fresh
    assert verifier.verify(token).sub == USER
    clock.now += 0.001
    with pytest.raises(RevocationsUnknown) as refused:
        verifier.verify(token)

    assert refused.value.retry_after == POLL and refused.value.error == "temporarily_unavailable"
    status = verifier.feed_status
    assert status is not None
    assert (status.synced, status.stale_after, status.refused_while_stale, status.accepted_while_stale) == (
        False,
        2 * POLL,
        1,
        0,
    )
    assert status.age == pytest.approx(2 * POLL + 0.001)


def test_the_async_path_refuses_a_stale_feed_too(
    make_verifier: Callable[..., Verifier], clock: Clock, key: RSAKey
) -> None:
    verifier = make_verifier()
    clock.now += 2 * POLL + 1

    async def verify() -> None:
        await verifier.averify(token_of(key))

    with pytest.raises(RevocationsUnknown):
        asyncio.run(verify())


def test_while_stale_a_known_revoked_session_and_a_forged_token_are_still_plain_401s(
    make_verifier: Callable[..., Verifier], tessera: FakeTessera, clock: Clock, key: RSAKey
) -> None:
    """503 says "cannot tell": only for a token nothing else condemns."""
    revoked = str(uuid.uuid4())
    tessera.revoke(revoked)
    verifier = make_verifier()
    clock.now += 2 * POLL + 1
    for token in (token_of(key, sid=revoked), token_of(key, aud="another-api")):
        with pytest.raises(InvalidToken) as refused:
            verifier.verify(token)
        assert type(refused.value) is InvalidToken and refused.value.error == "invalid_token"


def test_told_to_accept_while_stale_it_accepts_counts_and_logs_once_per_spell(
    make_verifier: Callable[..., Verifier],
    tessera: FakeTessera,
    clock: Clock,
    key: RSAKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    verifier = make_verifier(when_stale="accept")
    clock.now += 2 * POLL + 1
    tessera.revoke(revoked := str(uuid.uuid4()))  # unseen: the feed is not read while stale
    with caplog.at_level(logging.WARNING, logger="tessera_verifier"):
        assert verifier.verify(token_of(key)).sub == USER
        assert verifier.verify(token_of(key, sid=revoked)).sid == revoked  # the risk the operator chose

    status = verifier.feed_status
    assert status is not None and not status.synced
    assert (status.accepted_while_stale, status.refused_while_stale) == (2, 0)
    loud = [record for record in caplog.records if record.levelno == logging.ERROR and "ACCEPTING" in record.message]
    assert len(loud) == 1


def test_the_default_bound_is_two_one_second_polls_the_revocation_promise(tessera: FakeTessera) -> None:
    verifier = verifier_for(tessera, **FEED)
    status = verifier.feed_status
    assert status is not None and status.stale_after == 2.0 and not status.synced and status.age is None
    assert verifier_for(tessera).feed_status is None  # no feed, nothing to be stale


def test_a_bound_beyond_the_promise_is_logged_when_the_verifier_is_made(
    tessera: FakeTessera, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tessera_verifier"):
        verifier_for(tessera, stale_after_polls=2, **FEED)
        assert caplog.records == []
        verifier_for(tessera, stale_after_polls=5, **FEED)
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "5.0 s stale" in caplog.records[0].message


@pytest.mark.parametrize("options", [{"stale_after_polls": 1}, {"poll_interval": 0}, {"when_stale": "ignore"}])
def test_a_bound_of_one_poll_or_less_or_an_unknown_policy_is_a_configuration_error(options: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"stale_after_polls|when_stale"):
        Verifier(ISSUER, AUDIENCE, f"{BASE}/jwks", **FEED, **options)  # type: ignore[arg-type]


def test_freshness_is_the_moment_the_last_good_read_was_asked_and_never_moves_back() -> None:
    clock = Clock()
    revocations = RevocationList(leeway=30, stale_after=2, monotonic=clock)
    feed = b'{"revocations": [], "cursor": "1", "window": 930}'
    assert not revocations.synced and revocations.age() is None

    revocations.apply(feed, sent_at=999.5)  # asked half a second ago, answered now
    assert revocations.age() == 0.5 and revocations.synced
    revocations.apply(feed, sent_at=999.0)  # a slower read asked earlier, answered later
    assert revocations.age() == 0.5
    clock.now = 1001.5
    assert revocations.synced
    clock.now = 1001.6
    assert not revocations.synced
    with pytest.raises(ValueError, match="not a"):
        revocations.apply(b"[]", sent_at=1001.6)
    assert not revocations.synced  # an answer that is not a feed makes nothing fresh


# --- Against a feed served over real HTTP ---

SERVED_POLL, SERVED_POLLS = 0.1, 3
SERVED_BOUND = SERVED_POLL * SERVED_POLLS
SLACK = 2.0
"""Seconds of scheduling delay allowed on a loaded machine; without the fix, no refusal ever comes."""


def served_verifier(served: ServedTessera, **options: object) -> Verifier:
    return Verifier(
        ISSUER,
        AUDIENCE,
        f"{served.url}/.well-known/jwks.json",
        revocations_url=f"{served.url}/oauth/revocations",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        poll_interval=SERVED_POLL,
        stale_after_polls=SERVED_POLLS,
        timeout=1.0,
        **options,  # type: ignore[arg-type]
    )


def seconds_until(outcome: Callable[[], bool], deadline: float = 10.0) -> float:
    """Polls `outcome` every 20 ms until it holds; the seconds it took (the test fails past `deadline`)."""
    started = time.monotonic()
    while not outcome():
        assert time.monotonic() - started < deadline, "never happened"
        time.sleep(0.02)
    return time.monotonic() - started


def refused_as_unknown(verifier: Verifier, token: str) -> Callable[[], bool]:
    def outcome() -> bool:
        try:
            verifier.verify(token)
        except RevocationsUnknown:
            return True
        return False

    return outcome


def test_a_feed_refusing_a_rotated_secret_is_stale_within_the_bound_and_fresh_again_once_it_answers(
    tessera: FakeTessera, key: RSAKey
) -> None:
    token = token_of(key)
    with ServedTessera(tessera) as served, served_verifier(served) as verifier:
        assert verifier.verify(token).sub == USER
        tessera.client_secret = "rotated-secret-0123456789abcdefghijklmnop"  # the feed now answers 401

        assert seconds_until(refused_as_unknown(verifier, token)) < SERVED_BOUND + SLACK
        assert verifier.feed_status is not None and not verifier.feed_status.synced

        tessera.client_secret = CLIENT_SECRET
        seconds_until(lambda: verifier.feed_status is not None and verifier.feed_status.synced)
        assert verifier.verify(token).sub == USER


def test_a_feed_that_stops_answering_is_stale_within_the_bound_and_known_revocations_stand(
    tessera: FakeTessera, key: RSAKey
) -> None:
    revoked = str(uuid.uuid4())
    tessera.revoke(revoked)
    token = token_of(key)
    with ServedTessera(tessera) as served, served_verifier(served) as verifier:
        assert verifier.verify(token).sub == USER
        served.stop()

        assert seconds_until(refused_as_unknown(verifier, token)) < SERVED_BOUND + SLACK
        with pytest.raises(InvalidToken) as refused:
            verifier.verify(token_of(key, sid=revoked))
        assert type(refused.value) is InvalidToken
        assert verifier.feed_status is not None and verifier.feed_status.refused_while_stale >= 1


def test_a_verifier_told_to_accept_keeps_accepting_when_the_feed_stops_and_says_so(
    tessera: FakeTessera, key: RSAKey, caplog: pytest.LogCaptureFixture
) -> None:
    token = token_of(key)
    with (
        caplog.at_level(logging.ERROR, logger="tessera_verifier"),
        ServedTessera(tessera) as served,
        served_verifier(served, when_stale="accept") as verifier,
    ):
        assert verifier.verify(token).sub == USER
        served.stop()
        seconds_until(lambda: verifier.feed_status is not None and not verifier.feed_status.synced)

        assert verifier.verify(token).sub == USER
        assert verifier.feed_status is not None and verifier.feed_status.accepted_while_stale == 1
    assert any("ACCEPTING" in record.message for record in caplog.records)


def test_a_read_in_pages_is_fresh_only_once_its_last_page_and_from_when_its_first_was_asked() -> None:
    """The feed's last page hands back the read's start: everything revoked before the first page was asked
    is known, not everything before the last (pages may even span polls, after a failed one)."""
    clock = Clock()
    revocations = RevocationList(leeway=30, stale_after=2, monotonic=clock)
    page = b'{"revocations": [], "cursor": "page:2", "window": 930, "more": true}'
    last = b'{"revocations": [], "cursor": "1", "window": 930, "more": false}'

    assert revocations.apply(page, sent_at=1000.0)
    assert not revocations.synced and revocations.age() is None
    clock.now = 1001.5
    assert not revocations.apply(last, sent_at=1001.5)
    assert revocations.synced and revocations.age() == 1.5
    clock.now = 1002.1
    assert not revocations.synced
