"""The operator's commands on the shared signing keys: list, rotate, withdraw, and the first key."""

from datetime import timedelta

from application.errors import ForeignKeyEncryptionKey
from application.ports.clock import Clock
from application.ports.key_vault import KeyVault
from application.ports.unit_of_work import UnitOfWork
from domain.events import EventKind, SecurityEvent
from domain.key_errors import KeyNotFound, LastSigningKey
from domain.keys import KeyStatus, SigningKeyRecord, key_statuses, signing_key
from domain.policy import TokenPolicy


class ManageSigningKeys:
    """Changes to the key set in shared storage; each replica picks them up on its next reload."""

    def __init__(self, uow: UnitOfWork, vault: KeyVault, clock: Clock, policy: TokenPolicy) -> None:
        self._uow = uow
        self._vault = vault
        self._clock = clock
        self._policy = policy

    async def rotate(self, alg: str, propagation: timedelta) -> SigningKeyRecord:
        """A new key, published now and signing after `propagation` (see `KeyTimings`)."""
        now = self._clock.now()
        record = self._vault.new_key(alg, now, now + propagation)
        async with self._uow as uow:
            stored = [r for r in await uow.signing_keys.all() if r.withdrawn_at is None]
            if not all(self._vault.can_open(r) for r in stored):
                raise ForeignKeyEncryptionKey
            await uow.signing_keys.add(record)
            uow.record(SecurityEvent(EventKind.SIGNING_KEY_ROTATED, detail=record.kid))
            await uow.commit()
        return record

    async def withdraw(self, kid: str) -> None:
        """Drop a key at once, as after a compromise: the tokens it signed stop verifying."""
        now = self._clock.now()
        async with self._uow as uow:
            current = signing_key(await uow.signing_keys.all(), now)
            if current is not None and current.kid == kid:
                raise LastSigningKey
            if not await uow.signing_keys.withdraw(kid, now):
                raise KeyNotFound
            uow.record(SecurityEvent(EventKind.SIGNING_KEY_WITHDRAWN, detail=kid))
            await uow.commit()

    async def ensure_one(self, alg: str) -> None:
        """On a first start, a key that signs at once: no token exists yet that another key could verify.
        Replicas starting together on an empty key set make one first key between them."""
        async with self._uow as uow:
            if await uow.signing_keys.all():
                return
        now = self._clock.now()
        record = self._vault.new_key(alg, now, now)
        async with self._uow as uow:
            if not await uow.signing_keys.add_first(record):
                return
            uow.record(SecurityEvent(EventKind.SIGNING_KEY_ROTATED, detail=record.kid))
            await uow.commit()

    async def statuses(self) -> list[KeyStatus]:
        now = self._clock.now()
        async with self._uow as uow:
            records = await uow.signing_keys.all()
        return key_statuses(records, now, self._policy)
