"""The composition root: every adapter bound to its port, chosen by configuration, in one place."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from dishka import AsyncContainer, Provider, make_async_container

from entrypoints.backends.registry import backend_for
from entrypoints.ioc.core import CoreProvider
from entrypoints.ioc.keys import FileKeysProvider, KeyProvider, SharedKeysProvider
from entrypoints.ioc.use_cases import UseCaseProvider
from entrypoints.settings.config import Settings

T = TypeVar("T")


def legacy_bridge_providers(settings: Settings) -> list[Provider]:
    """The legacy-session bridge, only when configured: its modules are not even imported otherwise."""
    if settings.legacy_bridge is None:
        return []
    from entrypoints.ioc.legacy import LegacyBridgeProvider

    return [LegacyBridgeProvider(settings.legacy_bridge)]


def storage_provider(settings: Settings) -> Provider:
    """The provider of the backend the database URL names (entrypoints/backends/registry.py)."""
    backend = backend_for(settings.database_url)
    return backend.provider(settings.database_url, backend, settings.listen_database_url, settings.database_pool_size)


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


def in_one_request(settings: Settings, work: Callable[[AsyncContainer], Awaitable[T]]) -> T:
    """`work` on one request scope of a container of its own, closed after: how a command runs."""

    async def run() -> T:
        container = build_container(settings)
        try:
            async with container() as request:
                return await work(request)
        finally:
            await container.close()

    return asyncio.run(run())
