"""The `tessera` command line: its root options, and each command group's parser, which the group's own
module declares (argparse exits 2 on a usage error)."""

import argparse
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from entrypoints.cli.clients import add_client_commands
from entrypoints.cli.database import add_database_commands
from entrypoints.cli.keys import add_key_commands
from entrypoints.cli.serve import add_serve_command
from entrypoints.cli.show_config import add_config_command
from entrypoints.cli.users import add_user_commands

DISTRIBUTION = "tessera-auth"
"""The name on the package index (`tessera` there is an unrelated project); the command is `tessera`."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tessera", description="Stateless JWT authentication service.")
    parser.add_argument("--version", action="version", version=f"tessera {_installed_version()}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log what the command does (Alembic's migration lines)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for add_group in (
        add_serve_command,
        add_config_command,
        add_database_commands,
        add_key_commands,
        add_user_commands,
        add_client_commands,
    ):
        add_group(commands)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(_kid_taken_literally(argv))


def _installed_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _kid_taken_literally(argv: Sequence[str]) -> list[str]:
    """A key id is an RFC 7638 thumbprint, which starts with "-" one time in 64: it is the kid, not an option."""
    args = list(argv)
    at = next((i for i, arg in enumerate(args) if not arg.startswith("-")), len(args))  # after `-v`, if given
    if args[at : at + 2] == ["keys", "retire"] and len(args) == at + 3 and args[at + 2] not in ("-h", "--help", "--"):
        args.insert(at + 2, "--")
    return args
