"""The composition root: every adapter bound to its port, chosen by configuration, in one place."""

from dishka import AsyncContainer, Provider, make_async_container

from entrypoints.ioc.core import CoreProvider
from entrypoints.ioc.keys import FileKeysProvider, KeyProvider, SharedKeysProvider
from entrypoints.ioc.storage import storage_provider
from entrypoints.ioc.use_cases import UseCaseProvider
from entrypoints.settings.config import Settings


def legacy_bridge_providers(settings: Settings) -> list[Provider]:
    """The legacy-session bridge, only when configured: its modules are not even imported otherwise."""
    if settings.legacy_bridge is None:
        return []
    from entrypoints.ioc.legacy import LegacyBridgeProvider

    return [LegacyBridgeProvider(settings.legacy_bridge)]


def build_container(settings: Settings, *overrides: Provider) -> AsyncContainer:
    """Later providers win: tests pass their own (a fixed clock, say) as overrides."""
    return make_async_container(
        CoreProvider(),
        KeyProvider(),
        SharedKeysProvider() if settings.key_encryption_key else FileKeysProvider(),
        storage_provider(settings),
        UseCaseProvider(),
        *legacy_bridge_providers(settings),
        *overrides,
        context={Settings: settings},
    )
