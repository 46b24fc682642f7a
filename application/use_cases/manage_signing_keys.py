"""Key rotation without a restart: every replica reloads the shared key set on a short period."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.ports.clock import Clock
from application.ports.key_vault import KeyVault
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from domain.errors import DomainError
from domain.events import EventKind, SecurityEvent
from domain.keys import SigningKeyRecord, published_keys, signing_key, superseded_at
from domain.policy import TokenPolicy


class KeyNotFound(DomainError):
    message = "There is no such signing key, or it is withdrawn already."


class LastSigningKey(DomainError):
    message = "This key signs now: rotate first (`keys rotate --now`), then retire it."


class ForeignKeyEncryptionKey(DomainError):
    message = (
        "TESSERA_KEY_ENCRYPTION_KEY does not open the stored keys: a key sealed under it would break every replica."
    )


@dataclass(frozen=True, slots=True)
class KeyStatus:
    kid: str
    alg: str
    state: str
    """pending (published, not yet signing), signing, verifying (superseded, still published), retired, withdrawn"""
    signs_from: datetime
    published_until: datetime | None


class SigningKeys:
    """List, rotate and withdraw the shared signing keys, and install them in this process."""

    def __init__(
        self, uow: UnitOfWork, vault: KeyVault, clock: Clock, policy: TokenPolicy, events: SecurityEvents
    ) -> None:
        self._uow = uow
        self._events = events
        self._vault = vault
        self._clock = clock
        self._policy = policy

    async def rotate(self, alg: str, propagation: timedelta) -> SigningKeyRecord:
        """A new key, published now and signing after `propagation`: long enough for every replica
        to reload the key set and every downstream JWKS cache to expire."""
        now = self._clock.now()
        record = self._vault.new_key(alg, now, now + propagation)
        async with self._uow as uow:
            stored = [r for r in await uow.signing_keys.all() if r.withdrawn_at is None]
            if not all(self._vault.can_open(r) for r in stored):
                raise ForeignKeyEncryptionKey
            await uow.signing_keys.add(record)
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.SIGNING_KEY_ROTATED, detail=record.kid))
        return record

    async def withdraw(self, kid: str) -> None:
        """Drop a key at once, as after a compromise: the tokens it signed stop verifying."""
        now = self._clock.now()
        async with self._uow as uow:
            current = signing_key(await uow.signing_keys.all(), now)
            if current is not None and current.kid == kid:
                # Withdrawing it would hand signing back to an older key, perhaps a retired one.
                raise LastSigningKey
            if not await uow.signing_keys.withdraw(kid, now):
                raise KeyNotFound
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.SIGNING_KEY_WITHDRAWN, detail=kid))

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
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.SIGNING_KEY_ROTATED, detail=record.kid))

    async def statuses(self) -> list[KeyStatus]:
        now = self._clock.now()
        async with self._uow as uow:
            records = await uow.signing_keys.all()
        current = signing_key(records, now)
        published = {r.kid for r in published_keys(records, now, self._policy)}
        return [self._status(r, records, now, current, published) for r in records]

    async def reload(self) -> SigningKeyRecord | None:
        """Install the current key set in this process; the key that now signs."""
        now = self._clock.now()
        async with self._uow as uow:
            records = await uow.signing_keys.all()
        current = signing_key(records, now)
        self._vault.install(current, published_keys(records, now, self._policy))
        return current

    def _status(
        self,
        record: SigningKeyRecord,
        records: list[SigningKeyRecord],
        now: datetime,
        current: SigningKeyRecord | None,
        published: set[str],
    ) -> KeyStatus:
        handed_over = superseded_at(record, records, now)
        until = None if handed_over is None else handed_over + self._policy.revocation_window
        if record.withdrawn_at is not None:
            state, until = "withdrawn", record.withdrawn_at
        elif current is not None and record.kid == current.kid:
            state = "signing"
        elif record.signs_from > now:
            state = "pending"
        else:
            state = "verifying" if record.kid in published else "retired"
        return KeyStatus(record.kid, record.alg, state, record.signs_from, until)
