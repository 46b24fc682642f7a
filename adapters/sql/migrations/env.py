"""Alembic's entry point, run by advanced-alchemy's `AlembicCommands` with the app's own engine."""

import asyncio
from typing import TYPE_CHECKING, cast

from advanced_alchemy.base import metadata_registry
from alembic import context
from sqlalchemy.ext.asyncio import AsyncEngine

import adapters.sql.models  # noqa: F401  (the tables Alembic compares against)

if TYPE_CHECKING:
    from advanced_alchemy.alembic.commands import AlembicCommandConfig
    from sqlalchemy.engine import Connection

config = cast("AlembicCommandConfig", context.config)


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata_registry.get(config.bind_key),
        version_table=config.version_table_name,
        render_as_batch=config.render_as_batch,
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _run(connection: "Connection") -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = cast(AsyncEngine, config.engine)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    _configure(url=config.db_url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
