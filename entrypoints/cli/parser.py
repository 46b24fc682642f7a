"""The `tessera` command line: its commands and options (argparse exits 2 on a usage error)."""

import argparse
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from entrypoints.cli.users import add_user_commands
from entrypoints.runtime.serve import LOG_LEVELS, default_workers

DISTRIBUTION = "tessera-auth"
"""The name on the package index (`tessera` there is an unrelated project); the command is `tessera`."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tessera", description="Stateless JWT authentication service.")
    parser.add_argument("--version", action="version", version=f"tessera {_installed_version()}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log what the command does (Alembic's migration lines)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--workers",
        type=_workers,
        help=f"worker processes on one socket (default: the CPUs, {default_workers()}; 1 for an in-process store)",
    )
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="info", help="the server's log level (default: info)")
    serve.add_argument(
        "--no-access-log", action="store_true", help="no line per request (a proxy in front usually logs them)"
    )
    commands.add_parser("config", help="print the effective settings, secrets masked")
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
