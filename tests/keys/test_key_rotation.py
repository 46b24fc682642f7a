"""Shared signing keys: sealed at rest, rotated and withdrawn without a restart."""

import base64
import secrets
from datetime import timedelta

import pytest

from adapters.crypto.joserfc_key_vault import JoserfcKeyVault, key_encryption_key
from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import KeyConfigurationError, SigningKeySet
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.errors import ForeignKeyEncryptionKey, NoSigningKey
from application.use_cases.manage_signing_keys import ManageSigningKeys
from application.use_cases.reload_signing_keys import ReloadSigningKeys
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.key_errors import KeyNotFound, LastSigningKey
from domain.policy import TokenPolicy
from tests.support.builders import a_user
from tests.support.fakes import FixedClock
from tests.support.heard import Heard

pytestmark = [pytest.mark.anyio, pytest.mark.app]

POLICY = TokenPolicy(issuer="https://issuer", audience="aud")
KEK = base64.b64encode(secrets.token_bytes(32)).decode()


class Replica:
    """One process: its own key set, over the shared store."""

    def __init__(self, store: InMemoryStore, clock: FixedClock, kek: str = KEK) -> None:
        self.keys = SigningKeySet()
        vault = JoserfcKeyVault(self.keys, key_encryption_key(kek))
        heard = Heard()
        self.events = heard.audit
        self.manager = ManageSigningKeys(InMemoryUnitOfWork(store, heard.dispatcher), vault, clock, POLICY)
        self.reloader = ReloadSigningKeys(InMemoryUnitOfWork(store), vault, clock, POLICY)
        self.signer, self.verifier = JoserfcTokenSigner(self.keys), JoserfcTokenVerifier(self.keys)
        self.clock = clock

    def token(self) -> str:
        now = int(self.clock.now().timestamp())
        user = a_user()
        return self.signer.sign_now(
            AccessClaims("https://issuer", "aud", user.id, now + 900, now, user.id, user.id, ())
        )


@pytest.fixture
def cluster() -> tuple[Replica, Replica]:
    store, clock = InMemoryStore(), FixedClock()
    return Replica(store, clock), Replica(store, clock)


async def test_a_first_start_makes_one_key_that_signs_at_once(cluster: tuple[Replica, Replica]) -> None:
    a, b = cluster
    with pytest.raises(NoSigningKey):
        a.token()
    await a.manager.ensure_one("ES256")
    await a.manager.ensure_one("ES256")
    await a.reloader.execute()
    await b.reloader.execute()

    assert [status.state for status in await a.manager.statuses()] == ["signing"]
    assert b.verifier.verify(a.token())


async def test_a_rotation_publishes_first_signs_later_and_keeps_the_old_key_until_its_tokens_expire(
    cluster: tuple[Replica, Replica],
) -> None:
    a, b = cluster
    await a.manager.ensure_one("RS256")
    await a.reloader.execute()
    old_token = a.token()

    new = await a.manager.rotate("ES256", timedelta(minutes=6))
    await a.reloader.execute()
    await b.reloader.execute()
    assert new.kid in {key["kid"] for key in b.keys.jwks()["keys"]}
    assert a.keys.kid != new.kid  # published, not signing yet

    a.clock.advance(timedelta(minutes=6))
    await a.reloader.execute()
    await b.reloader.execute()
    new_token = a.token()
    assert a.keys.kid == new.kid
    assert b.verifier.verify(new_token) and b.verifier.verify(old_token)
    assert [s.state for s in await b.manager.statuses()] == ["verifying", "signing"]

    a.clock.advance(POLICY.revocation_window)
    await b.reloader.execute()
    assert [s.state for s in await b.manager.statuses()] == ["retired", "signing"]
    assert [key["kid"] for key in b.keys.jwks()["keys"]] == [new.kid]
    with pytest.raises(InvalidAccessToken):
        b.verifier.verify(old_token)


async def test_withdrawing_a_compromised_key_stops_its_tokens_at_the_next_reload(
    cluster: tuple[Replica, Replica],
) -> None:
    a, b = cluster
    await a.manager.ensure_one("RS256")
    await a.reloader.execute()
    compromised = a.keys.kid
    token = a.token()
    with pytest.raises(LastSigningKey):
        await a.manager.withdraw(compromised)

    a.clock.advance(timedelta(seconds=1))
    await a.manager.rotate("RS256", timedelta(0))
    await a.manager.withdraw(compromised)
    await b.reloader.execute()

    with pytest.raises(InvalidAccessToken):
        b.verifier.verify(token)
    with pytest.raises(KeyNotFound):
        await a.manager.withdraw(compromised)
    assert [(e.kind.value, e.detail) for e in a.events.events][-1] == ("signing_key_withdrawn", compromised)


async def test_private_keys_are_stored_sealed_and_open_only_with_the_right_key_encryption_key() -> None:
    store, clock = InMemoryStore(), FixedClock()
    a = Replica(store, clock)
    await a.manager.ensure_one("RS256")
    (record,) = store.tables.signing_keys.values()
    assert '"d"' not in record.sealed_private_jwk and record.sealed_private_jwk.count(".") == 4
    assert '"d"' not in record.public_jwk

    stranger = Replica(store, clock, kek=base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(KeyConfigurationError, match="TESSERA_KEY_ENCRYPTION_KEY"):
        await stranger.reloader.execute()


@pytest.mark.parametrize("encoded", ["", "short", base64.b64encode(b"x" * 31).decode()])
def test_a_key_encryption_key_that_is_not_32_bytes_is_refused(encoded: str) -> None:
    with pytest.raises(KeyConfigurationError):
        key_encryption_key(encoded)


async def test_a_rotation_under_another_key_encryption_key_is_refused() -> None:
    store, clock = InMemoryStore(), FixedClock()
    await Replica(store, clock).manager.ensure_one("RS256")
    stranger = Replica(store, clock, kek=base64.b64encode(secrets.token_bytes(32)).decode())

    with pytest.raises(ForeignKeyEncryptionKey):
        await stranger.manager.rotate("RS256", timedelta(0))
    assert len(store.tables.signing_keys) == 1


async def test_retiring_the_signing_key_never_hands_signing_back_to_an_older_key(
    cluster: tuple[Replica, Replica],
) -> None:
    a, _ = cluster
    await a.manager.ensure_one("RS256")
    await a.manager.rotate("RS256", timedelta(0))
    a.clock.advance(POLICY.revocation_window + timedelta(seconds=1))
    current = await a.reloader.execute()
    assert current is not None

    with pytest.raises(LastSigningKey):
        await a.manager.withdraw(current.kid)
    assert (await a.reloader.execute()) == current
