"""`tessera`: the command-line entrypoint. `serve` runs the API; `db upgrade` applies migrations."""

import logging
import os
import sys
from collections.abc import Sequence

from adapters.crypto.signing_keys import KeyConfigurationError
from adapters.sql.database import SchemaCommandFailed
from application.errors import StorageUnavailable
from entrypoints.cli_parser import parse
from entrypoints.client_commands import run_client_command
from entrypoints.config import Settings
from entrypoints.config_warnings import config_warnings
from entrypoints.environment import ConfigError
from entrypoints.ioc.storage import backend_for
from entrypoints.key_commands import run_key_command
from entrypoints.serve import serve_api
from entrypoints.user_commands import run_user_command


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.command == "clients":
        return run_client_command(args.client_id, generate=args.generate)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        for warning in config_warnings(settings, os.environ):
            print(f"tessera: warning: {warning}", file=sys.stderr)
        if args.command == "serve":
            return serve_api(settings, args.host, args.port, args.workers)
        if args.command != "db" and not (backend := backend_for(settings.database_url)).shared:
            print(f"tessera: {backend.name} lives inside `tessera serve`; set TESSERA_DATABASE_URL", file=sys.stderr)
            return 2
        if args.command == "purge":
            return _purge(settings)
        if args.command == "keys":
            return run_key_command(
                settings, args.key_command, now=getattr(args, "now", False), kid=getattr(args, "kid", None)
            )
        if args.command == "users":
            return run_user_command(settings, args)
        return _db(settings, args.db_command)
    except (ConfigError, KeyConfigurationError) as error:
        print(f"tessera: configuration error: {error}", file=sys.stderr)
        return 2
    except SchemaCommandFailed as error:
        print(f"tessera: {error}", file=sys.stderr)
        return 1
    except StorageUnavailable:
        print("tessera: the database cannot be reached", file=sys.stderr)
        return 1


def _purge(settings: Settings) -> int:
    import asyncio

    from application.use_cases.purge_expired import PurgeExpired
    from entrypoints.ioc.container import build_container

    async def purge() -> int:
        container = build_container(settings)
        try:
            async with container() as request:
                return await (await request.get(PurgeExpired)).execute()
        finally:
            await container.close()

    print(f"tessera: purged {asyncio.run(purge())} expired rows")
    return 0


def _db(settings: Settings, command: str) -> int:
    backend = backend_for(settings.database_url)
    if backend.schema is None:
        print(f"tessera: {backend.name} has no schema to migrate")
        return 0
    if command == "upgrade":
        backend.schema.upgrade(settings.database_url)
        print("tessera: database schema is up to date")
        return 0
    pending = backend.schema.pending(settings.database_url)
    print(f"tessera: pending migrations: {pending}" if pending else "tessera: database schema is up to date")
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main())
