"""`tessera`: the command-line entrypoint. `serve` runs the API; `db upgrade` applies migrations; every
command that touches the database checks its schema first."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from adapters.crypto.signing_keys import KeyConfigurationError
from adapters.sql.database import DatabaseUnreachable, SchemaCommandFailed
from application.errors import StorageUnavailable
from entrypoints.backends.registry import backend_for
from entrypoints.cli import exit_codes
from entrypoints.cli.clients import run_client_command
from entrypoints.cli.database import run_db, run_purge
from entrypoints.cli.keys import require_shared_keys, run_key_command
from entrypoints.cli.parser import parse
from entrypoints.cli.serve import run_serve
from entrypoints.cli.show_config import effective_settings
from entrypoints.cli.users import run_user_command
from entrypoints.runtime.database_schema import SchemaBehind, require_current_schema
from entrypoints.runtime.log_setup import configure_logging
from entrypoints.settings.config_warnings import config_warnings
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env


def main(argv: Sequence[str] | None = None) -> int:
    """Exit statuses: entrypoints/cli/exit_codes.py. Every failure is one line on stderr."""
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.command == "clients":
        return run_client_command(args.client_id, generate=args.generate)

    _configure_logging(args)
    try:
        return _run(args)
    except (ConfigError, KeyConfigurationError) as error:
        print(f"tessera: configuration error: {error}", file=sys.stderr)
        return exit_codes.CONFIG
    except SchemaBehind as error:
        print(f"tessera: {error}", file=sys.stderr)
        return exit_codes.CONFIG
    except DatabaseUnreachable as error:
        print(f"tessera: {error}", file=sys.stderr)
        return exit_codes.UNAVAILABLE
    except SchemaCommandFailed as error:
        print(f"tessera: {error}", file=sys.stderr)
        return exit_codes.REFUSED
    except StorageUnavailable:
        print("tessera: the database cannot be reached", file=sys.stderr)
        return exit_codes.UNAVAILABLE


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    for warning in config_warnings(settings, os.environ):
        print(f"tessera: warning: {warning}", file=sys.stderr)
    if args.command == "config":
        print("\n".join(effective_settings(settings)))
        return exit_codes.OK
    if args.command == "serve":
        return run_serve(settings, args)
    if args.command == "db":
        return run_db(settings, args.db_command)
    if not (backend := backend_for(settings.database_url)).shared:
        raise ConfigError("DATABASE_URL", f"{backend.name} lives inside `tessera serve`; name a shared database")
    if args.command == "keys":
        require_shared_keys(settings)
    require_current_schema(settings.database_url)
    if args.command == "purge":
        return run_purge(settings)
    if args.command == "keys":
        return run_key_command(
            settings, args.key_command, now=getattr(args, "now", False), kid=getattr(args, "kid", None)
        )
    return run_user_command(settings, args)


def _configure_logging(args: argparse.Namespace) -> None:
    """Warnings and the audit events only, unless `--verbose` (Alembic's INFO lines among them); `serve` logs
    at its `--log-level`, the audit events whatever it is."""
    quiet = logging.INFO if args.verbose else logging.WARNING
    level = (
        min(logging.getLevelName(args.log_level.upper().replace("TRACE", "DEBUG")), quiet)
        if args.command == "serve"
        else quiet
    )
    configure_logging(level, alembic=quiet)


if __name__ == "__main__":
    sys.exit(main())
