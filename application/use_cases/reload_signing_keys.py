"""Key rotation without a restart: every replica reloads the shared key set on a short period."""

from application.ports.clock import Clock
from application.ports.key_vault import KeyVault
from application.ports.unit_of_work import UnitOfWork
from domain.keys import SigningKeyRecord, published_keys, signing_key
from domain.policy import TokenPolicy


class ReloadSigningKeys:
    def __init__(self, uow: UnitOfWork, vault: KeyVault, clock: Clock, policy: TokenPolicy) -> None:
        self._uow = uow
        self._vault = vault
        self._clock = clock
        self._policy = policy

    async def execute(self) -> SigningKeyRecord | None:
        """Install the current key set in this process; the key that now signs."""
        now = self._clock.now()
        async with self._uow as uow:
            records = await uow.signing_keys.all()
        current = signing_key(records, now)
        self._vault.install(current, published_keys(records, now, self._policy))
        return current
