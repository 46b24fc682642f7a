"""`tessera db upgrade | check` (the schema) and `tessera purge` (expired rows)."""

from typing import Any

from dishka import AsyncContainer

from application.use_cases.purge_expired import PurgeExpired
from entrypoints.backends.registry import backend_for
from entrypoints.cli import exit_codes
from entrypoints.ioc.container import in_one_request
from entrypoints.settings.config import Settings


def add_database_commands(commands: Any) -> None:  # argparse's subparsers action has no public type
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every pending migration")
    db_commands.add_parser("check", help="exit 1 unless the schema is up to date")
    commands.add_parser("purge", help="delete expired refresh tokens, sessions and login counters, in batches")


def run_purge(settings: Settings) -> int:
    async def purge(request: AsyncContainer) -> int:
        return await (await request.get(PurgeExpired)).execute()

    print(f"tessera: purged {in_one_request(settings, purge)} expired rows")
    return 0


def run_db(settings: Settings, command: str) -> int:
    backend = backend_for(settings.database_url)
    if backend.schema is None:
        print(f"tessera: {backend.name} has no schema to migrate")
        return exit_codes.OK
    if command == "upgrade":
        backend.schema.upgrade(settings.database_url)
        print("tessera: database schema is up to date")
        return exit_codes.OK
    pending = backend.schema.pending(settings.database_url)
    print(f"tessera: pending migrations: {pending}" if pending else "tessera: database schema is up to date")
    return exit_codes.REFUSED if pending else exit_codes.OK
