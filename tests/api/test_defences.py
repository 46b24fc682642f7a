"""Defences that no attack over HTTP can reach on its own, proven where they live."""

import base64
import binascii
import json

import pytest
from joserfc import jws

from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier, _b64url
from adapters.crypto.signing_keys import SigningKeySet, generate_key
from adapters.memory.in_memory_session_repository import InMemorySessionRepository
from application.use_cases.register_user import Registration
from domain.claims import MAX_TOKEN_LENGTH
from domain.errors import InvalidAccessToken, InvalidCredentials, InvalidRefreshToken
from tests.support.argon2 import cheap_hasher
from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio


def test_each_key_verifies_only_under_its_own_algorithm_name() -> None:
    ed = generate_key("EdDSA")
    keys = SigningKeySet(ed, "EdDSA")
    payload = json.dumps({"sub": "x"})
    same_key_other_name = jws.serialize_compact(
        {"alg": "Ed25519", "typ": "at+jwt", "kid": keys.kid}, payload, ed, algorithms=["Ed25519"]
    )
    keys.install((ed, "EdDSA"), [(ed, "EdDSA"), (generate_key("Ed25519"), "Ed25519")])

    with pytest.raises(InvalidAccessToken):
        JoserfcTokenVerifier(keys).verify(same_key_other_name)


def test_an_oversized_token_is_refused_before_any_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = SigningKeySet(generate_key("ES256"), "ES256")

    def must_not_parse(*_: object, **__: object) -> None:
        raise AssertionError("parsed an oversized token")

    monkeypatch.setattr("adapters.crypto.joserfc_token_verifier._b64url", must_not_parse)
    with pytest.raises(InvalidAccessToken):
        JoserfcTokenVerifier(keys).verify("a" * (MAX_TOKEN_LENGTH - 1) + ".b.c")


GENUINE_PART = base64.urlsafe_b64encode(b"genuine bytes!?>").rstrip(b"=").decode()


def test_the_token_decoder_reads_unpadded_base64url() -> None:
    assert _b64url(GENUINE_PART) == b"genuine bytes!?>"
    assert _b64url("") == b""


@pytest.mark.parametrize(
    "spelling",
    [
        GENUINE_PART + "=",
        GENUINE_PART[:3] + "+" + GENUINE_PART[4:],
        GENUINE_PART[:3] + "/" + GENUINE_PART[4:],
        GENUINE_PART[:4] + "\n" + GENUINE_PART[4:],
        " " + GENUINE_PART,
        GENUINE_PART[:4] + "\u00e9" + GENUINE_PART[5:],
        GENUINE_PART[:2] + "\x00" + GENUINE_PART[3:],
        GENUINE_PART[:-1] + chr(ord(GENUINE_PART[-1]) + 1),
        "abcde",
    ],
    ids=["padding", "plus", "slash", "newline", "space", "non-ascii", "nul", "stray low bits", "impossible length"],
)
def test_the_token_decoder_refuses_every_other_spelling(spelling: str) -> None:
    with pytest.raises((ValueError, binascii.Error)):
        _b64url(spelling)


async def test_the_password_hasher_is_argon2id_and_rehashes_when_its_parameters_change() -> None:
    weak = cheap_hasher()
    stored = await weak.hash(PASSWORD)

    assert stored.startswith("$argon2id$")
    assert await weak.verify(stored, PASSWORD)
    assert not await weak.verify(stored, PASSWORD + "!")
    assert not await weak.verify("not a hash", PASSWORD)
    assert not weak.needs_rehash(stored)
    assert cheap_hasher(time_cost=2, memory_cost_kib=16).needs_rehash(stored)
    await weak.verify_dummy(PASSWORD)


STORED_WITH = {"memory_cost_kib": 32, "time_cost": 2, "parallelism": 2}
PARAMETER_CHANGES = {
    "memory up": {"memory_cost_kib": 64},
    "memory down": {"memory_cost_kib": 16},
    "time up": {"time_cost": 3},
    "time down": {"time_cost": 1},
    "lanes up": {"parallelism": 4},
    "lanes down": {"parallelism": 1},
}


@pytest.mark.parametrize("change", PARAMETER_CHANGES.values(), ids=PARAMETER_CHANGES.keys())
async def test_a_hash_made_with_any_other_memory_time_or_lanes_needs_a_rehash_up_or_down(
    change: dict[str, int],
) -> None:
    """A deployment that lowers its cost (to OWASP's 19 MiB, t=2) rehashes as surely as one that raises it."""
    stored = await cheap_hasher(**STORED_WITH).hash(PASSWORD)
    now = cheap_hasher(**{**STORED_WITH, **change})

    assert now.needs_rehash(stored)
    assert await now.verify(stored, PASSWORD)  # the old hash still lets its owner in, to be rehashed
    assert not await now.verify(stored, PASSWORD + "!")
    assert not cheap_hasher(**STORED_WITH).needs_rehash(stored)


async def test_a_malformed_email_spends_a_dummy_verification_like_an_unknown_one(app) -> None:
    with pytest.raises(InvalidCredentials):
        await app.log_in("not-an-email", PASSWORD)
    assert app.hasher.dummy_verifications == 1


async def test_failed_login_counters_store_digests_not_emails_or_addresses(app) -> None:
    with pytest.raises(InvalidCredentials):
        await app.log_in_from("203.0.113.9", "ada@example.com", "wrong password")
    await app.register(Registration("grace@example.com", "grace's password", client_address="203.0.113.9"))
    keys = list(app.store.tables.login_failures)
    assert len(keys) == 4  # (account, address), account, address; registrations by address
    assert all(len(key) == 64 and "ada" not in key and "203.0" not in key for key in keys)


async def test_a_refresh_that_races_a_logout_issues_nothing(app, monkeypatch: pytest.MonkeyPatch) -> None:
    pair = await app.log_in()
    session_id = app.session_of(pair).id
    touch = InMemorySessionRepository.touch

    async def logout_lands_first(repository: InMemorySessionRepository, sid: object, now: object) -> bool:
        from domain.sessions import RevocationReason

        await repository.revoke(session_id, now, RevocationReason.LOGOUT)  # type: ignore[arg-type]
        return await touch(repository, sid, now)  # type: ignore[arg-type]

    monkeypatch.setattr(InMemorySessionRepository, "touch", logout_lands_first)
    tokens_before = dict(app.store.tables.refresh_tokens)

    with pytest.raises(InvalidRefreshToken):
        await app.refresh(pair.refresh_token)

    assert app.store.tables.refresh_tokens == tokens_before  # the rotation was rolled back


async def test_no_more_password_hashes_run_at_once_than_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each hash holds its thread until the test lets one go, so what overlaps is decided by the
    hasher's bound alone, never by how busy the machine is: two run at once, and a third starts only
    when one of them has finished."""
    import threading

    import anyio

    hasher = cheap_hasher(concurrency=2)
    running, most, finished = 0, 0, 0
    changed = threading.Condition()
    let_one_go = threading.Semaphore(0)

    def held_hash(password: str) -> str:
        nonlocal running, most, finished
        with changed:
            running += 1
            most = max(most, running)
            changed.notify_all()
        let_one_go.acquire(timeout=30)
        with changed:
            running -= 1
            finished += 1
            changed.notify_all()
        return "$argon2id$fake"

    class HeldArgon2:
        hash = staticmethod(held_hash)

    monkeypatch.setattr(hasher, "_argon2", HeldArgon2())

    def settled(in_flight: int, done: int) -> bool:
        with changed:
            return changed.wait_for(lambda: (running, finished) == (in_flight, done), timeout=10)

    async def until_settled(in_flight: int, done: int) -> None:
        assert await anyio.to_thread.run_sync(settled, in_flight, done), (in_flight, done, running, finished)

    async with anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(hasher.hash, PASSWORD)
        try:
            for left in range(6, 0, -1):
                await until_settled(in_flight=min(2, left), done=6 - left)
                let_one_go.release()
        except BaseException:
            for _ in range(6):
                let_one_go.release()
            raise

    assert most == 2
