"""The Alembic migrations build exactly the schema the SQL models describe, on PostgreSQL."""

import asyncio

import pytest
from advanced_alchemy.base import metadata_registry
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adapters.sql.database import VERSION_TABLE, create_engine, pending_migrations


@pytest.mark.postgres
def test_the_migrated_postgres_schema_matches_the_models(postgres_url: str) -> None:
    async def differences() -> list[object]:
        engine = create_engine(postgres_url)
        async with engine.connect() as connection:
            found = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True, "version_table": VERSION_TABLE}),
                    metadata_registry.get(None),
                )
            )
        await engine.dispose()
        return [change for change in found if not _is_version_table(change)]

    assert asyncio.run(differences()) == []
    assert pending_migrations(postgres_url) is None


def _is_version_table(change: object) -> bool:
    return isinstance(change, tuple) and change[0] == "remove_table" and change[1].name == VERSION_TABLE
