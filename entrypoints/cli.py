"""`tessera`: the command-line entrypoint. `serve` runs the API; `db upgrade` applies migrations."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from adapters.crypto.signing_keys import KeyConfigurationError
from adapters.sql.database import SchemaCommandFailed
from application.errors import StorageUnavailable
from entrypoints.client_commands import run_client_command
from entrypoints.config import Settings
from entrypoints.config_warnings import config_warnings
from entrypoints.environment import ConfigError
from entrypoints.ioc.storage import backend_for
from entrypoints.key_commands import run_key_command
from entrypoints.serve import default_workers, serve_api
from entrypoints.user_commands import add_user_commands, run_user_command


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tessera", description="Stateless JWT authentication service.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--workers",
        type=_workers,
        help=f"worker processes on one socket (default: the CPUs, {default_workers()}; 1 for an in-process store)",
    )
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every pending migration")
    db_commands.add_parser("check", help="exit 1 unless the schema is up to date")
    commands.add_parser("purge", help="delete expired refresh tokens, sessions and login counters, in batches")
    keys = commands.add_parser("keys", help="the shared signing keys (with TESSERA_KEY_ENCRYPTION_KEY)")
    key_commands = keys.add_subparsers(dest="key_command", required=True)
    key_commands.add_parser("list", help="every key, its state, and until when it is published")
    rotate = key_commands.add_parser("rotate", help="a new key: published now, signing after the propagation delay")
    rotate.add_argument("--now", action="store_true", help="sign with it at once (after a compromise)")
    retire = key_commands.add_parser("retire", help="withdraw a key at once: its tokens stop verifying")
    retire.add_argument("kid")
    add_user_commands(commands)
    clients = commands.add_parser("clients", help="trusted backend clients of /oauth/introspect and /oauth/revoke")
    client_commands = clients.add_subparsers(dest="client_command", required=True)
    hash_client = client_commands.add_parser(
        "hash", help="print the TESSERA_OAUTH_CLIENTS entry of a client whose secret is on stdin"
    )
    hash_client.add_argument("client_id")
    hash_client.add_argument("--generate", action="store_true", help="make a fresh secret and print it too")
    args = parser.parse_args(_kid_taken_literally(sys.argv[1:] if argv is None else argv))
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


def _kid_taken_literally(argv: Sequence[str]) -> list[str]:
    """A key id is an RFC 7638 thumbprint, which starts with "-" one time in 64: it is the kid, not an option."""
    args = list(argv)
    if args[:2] == ["keys", "retire"] and len(args) == 3 and args[2] not in ("-h", "--help", "--"):
        args.insert(2, "--")
    return args


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {port}")
    return port


def _workers(raw: str) -> int:
    try:
        workers = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of workers: {raw!r}") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"workers must be between 1 and 64, not {workers}")
    return workers


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
