"""`tessera serve`: the HTTP API (entrypoints/runtime/serve.py runs it)."""

import argparse
from typing import Any

from entrypoints.runtime.serve import LOG_LEVELS, default_workers, serve_api
from entrypoints.settings.config import Settings


def add_serve_command(commands: Any) -> None:  # argparse's subparsers action has no public type
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


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    return serve_api(
        settings, args.host, args.port, args.workers, log_level=args.log_level, access_log=not args.no_access_log
    )


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
