"""A failed verification, and the dummy one of an unknown email, waits until it has taken as long as
the slowest cost class timed so far, so that a wrong password tells an imported account that never
logged in from a native one or from no account. The work is timed by a stopwatch the test moves: an
imported hash's verification advances it by its iterations, tessera's argon2id by nothing."""

import pytest
from werkzeug.security import generate_password_hash

import adapters.crypto.argon2_password_hasher as hasher_module
from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher
from adapters.crypto.foreign_password_hashes import verify_foreign
from adapters.crypto.verification_floor import MAX_COST_CLASSES, VerificationFloor
from domain.users import NO_PASSWORD
from tests.support.argon2 import cheap_hasher

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery"
SECONDS_PER_THOUSAND_ITERATIONS = 0.1


class Stopwatch:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stopwatch(monkeypatch: pytest.MonkeyPatch) -> Stopwatch:
    stopwatch = Stopwatch()
    real_verify_foreign = hasher_module.verify_foreign

    def timed_verify_foreign(format_: object, password_hash: str, password: str) -> bool:
        iterations = int(password_hash.split("$")[0].rsplit(":", 1)[-1])
        stopwatch.now += iterations / 1000 * SECONDS_PER_THOUSAND_ITERATIONS
        return real_verify_foreign(format_, password_hash, password)  # type: ignore[arg-type]

    monkeypatch.setattr(hasher_module, "verify_foreign", timed_verify_foreign)
    return stopwatch


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def hasher(stopwatch: Stopwatch, waits: list[float]) -> Argon2PasswordHasher:
    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 6))

    return cheap_hasher(monotonic=stopwatch, sleep=sleep)


async def test_after_an_imported_hash_is_timed_every_other_failure_waits_as_long_and_a_success_does_not(
    hasher: Argon2PasswordHasher, waits: list[float]
) -> None:
    native = await hasher.hash(PASSWORD)
    imported = generate_password_hash(PASSWORD, "pbkdf2:sha256:2450")

    assert not await hasher.verify(imported, "wrong password")  # 0.245 s: the slowest class itself
    assert waits == []
    await hasher.verify_dummy("wrong password")  # an unknown email
    assert not await hasher.verify(native, "wrong password")
    assert not await hasher.verify(NO_PASSWORD, "wrong password")
    assert not await hasher.verify("md5$salt$0123", "wrong password")
    assert waits == [0.245] * 4
    assert await hasher.verify(native, PASSWORD)
    assert await hasher.verify(imported, PASSWORD)
    assert waits == [0.245] * 4


async def test_a_cheaper_imported_cost_class_does_not_lower_the_floor_a_costlier_one_set(
    hasher: Argon2PasswordHasher, waits: list[float]
) -> None:
    costly = generate_password_hash(PASSWORD, "pbkdf2:sha256:3000")
    cheap = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")

    assert not await hasher.verify(costly, "wrong password")
    assert not await hasher.verify(cheap, "wrong password")
    await hasher.verify_dummy("wrong password")

    assert waits == [0.2, 0.3]


async def test_before_any_imported_hash_is_timed_an_unknown_email_costs_what_a_native_user_does(
    hasher: Argon2PasswordHasher, waits: list[float]
) -> None:
    native = await hasher.hash(PASSWORD)
    await hasher.verify_dummy("wrong password")
    assert not await hasher.verify(native, "wrong password")
    assert waits == []  # the same argon2id work, in the same cost class


async def test_after_the_cost_is_lowered_a_hash_at_the_older_costlier_parameters_sets_the_floor_once_timed(
    hasher: Argon2PasswordHasher, stopwatch: Stopwatch, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment that lowers its argon2 cost keeps its users' older hashes until each logs in. Such a
    hash verifies as a cost class of its own (its parameters), queued with the imported ones: until one
    is timed, a wrong password at it takes longer than an unknown email (the accepted limitation of item
    8); from then on every failure waits as long as it takes. Its work here: 1 ms per KiB × iteration."""

    def timed_by_argon2_cost(format_: object, password_hash: str, password: str) -> bool:
        memory, time_cost = (int(part.split("=")[1]) for part in password_hash.split("$")[3].split(",")[:2])
        stopwatch.now += memory * time_cost / 1000
        return verify_foreign(format_, password_hash, password)  # type: ignore[arg-type]

    monkeypatch.setattr(hasher_module, "verify_foreign", timed_by_argon2_cost)
    older = await cheap_hasher(memory_cost_kib=64, time_cost=3).hash(PASSWORD)  # the older default, scaled down
    native = await hasher.hash(PASSWORD)

    await hasher.verify_dummy("wrong password")
    assert waits == []  # nothing costlier timed yet
    assert not await hasher.verify(older, "wrong password")  # 0.192 s: now the slowest class
    await hasher.verify_dummy("wrong password")
    assert not await hasher.verify(native, "wrong password")
    assert waits == [0.192] * 2
    assert await hasher.verify(older, PASSWORD)
    assert waits == [0.192] * 2


def test_the_floor_follows_each_classs_latest_time_not_its_longest() -> None:
    floor = VerificationFloor()
    floor.record("pbkdf2 1,000,000", 0.4)  # timed under load
    floor.record("pbkdf2 1,000,000", 0.25)
    floor.record("argon2id", 0.03)
    assert floor.shortfall(0.03) == pytest.approx(0.22)
    assert floor.shortfall(0.5) == 0.0


def test_past_its_capacity_the_floor_forgets_its_cheapest_class_and_keeps_its_slowest() -> None:
    floor = VerificationFloor()
    for index in range(MAX_COST_CLASSES):
        floor.record(index, 0.01 * (index + 1))
    floor.record("one more", 0.005)
    floor.record(0, 0.001)  # forgotten before, so recorded anew

    assert floor.shortfall(0.0) == pytest.approx(0.01 * MAX_COST_CLASSES)
