"""`tessera serve`: the checks that run once, then one process, or N workers on one socket."""

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from dishka import AsyncContainer
from litestar import Litestar

from adapters.observability.metrics_listener import metrics_listener
from application.use_cases.manage_signing_keys import ManageSigningKeys
from application.use_cases.reload_signing_keys import ReloadSigningKeys
from entrypoints.backends.registry import backend_for
from entrypoints.ioc.container import in_one_request
from entrypoints.ioc.keys import PreloadedKeys, load_signing_keys
from entrypoints.runtime.database_schema import require_current_schema
from entrypoints.settings.config import Settings
from entrypoints.settings.reader import settings_from_env

WORKER_SOCKETS = "TESSERA_WORKER_SOCKETS"
METRICS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
"""uvicorn's levels; `trace` adds its protocol-level lines to `debug`."""
WORKER_HEALTHCHECK_SECONDS = 60
"""How long uvicorn's supervisor waits for a worker to answer its ping before killing it as hung. Its
default (5 s) is shorter than a worker's start on a loaded or CPU-throttled host (imports alone took
20 s on a shared 2-core machine): every worker was killed before it could answer, then again, forever."""


def default_workers() -> int:
    return os.cpu_count() or 1


def serve_api(
    settings: Settings,
    host: str,
    port: int,
    workers: int | None,
    *,
    log_level: str = "info",
    access_log: bool = True,
) -> int:
    """The schema and the signing keys are checked here, once, before any worker starts: a bad
    configuration stops in one line instead of once per worker. By default, one worker a CPU, or one
    worker for a store that lives in one process. With TESSERA_METRICS_ADDRESS, this process also
    serves the metrics of all its workers there, on a listener of its own. A schema that is behind raises
    `SchemaBehind`, a bad key `ConfigError` or `KeyConfigurationError`: the CLI prints them in one line."""
    import uvicorn

    backend = backend_for(settings.database_url)
    workers = workers or (default_workers() if backend.shared else 1)
    if workers > 1 and not backend.shared:
        print(f"tessera: --workers above 1 needs a shared store: {backend.name} lives in one process", file=sys.stderr)
        return 2
    require_current_schema(settings.database_url)
    if settings.key_encryption_key is not None:
        check_shared_keys(settings)
    keys = None if settings.key_encryption_key is not None else load_signing_keys(settings)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": access_log,  # uvicorn hands its options to every worker it starts
        "server_header": False,
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": ",".join(settings.forwarded_allow_ips) or None,
    }
    with ExitStack() as running:
        if workers > 1:
            running.enter_context(_worker_directories())
        try:
            # After the workers' metrics directory is named: one listener shows every worker.
            running.enter_context(metrics_listener(settings.metrics_address))
        except OSError as error:
            host_port = "{}:{}".format(*settings.metrics_address or ("", ""))
            print(f"tessera: cannot listen for metrics on {host_port}: {error.strerror or error}", file=sys.stderr)
            return 1
        if workers == 1:
            from entrypoints.http.app import create_app

            uvicorn.run(create_app(settings, *([] if keys is None else [PreloadedKeys(keys)])), **options)
        else:
            uvicorn.run(
                "entrypoints.runtime.serve:worker_app",
                factory=True,
                workers=workers,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                **options,
            )
    return 0


def check_shared_keys(settings: Settings) -> None:
    """Before serving: a key exists, and this key-encryption key opens it (else KeyConfigurationError)."""

    async def check(request: AsyncContainer) -> None:
        await (await request.get(ManageSigningKeys)).ensure_one(settings.signing_alg)
        await (await request.get(ReloadSigningKeys)).execute()

    in_one_request(settings, check)


def worker_app() -> Litestar:
    """One worker's app, from the environment the serving parent checked and extended."""
    from entrypoints.http.app import create_app

    return create_app(settings_from_env())


@contextmanager
def _worker_directories() -> Iterator[None]:
    """Private directories for the workers' change sockets and their shared metrics, named in the
    environment the workers inherit; both, and those names, are gone at the end."""
    sockets = Path(tempfile.mkdtemp(prefix="tessera-workers-"))
    metrics = Path(tempfile.mkdtemp(prefix="tessera-metrics-"))
    os.environ[WORKER_SOCKETS], os.environ[METRICS_DIRECTORY] = str(sockets), str(metrics)
    try:
        yield
    finally:
        os.environ.pop(WORKER_SOCKETS, None)
        os.environ.pop(METRICS_DIRECTORY, None)
        shutil.rmtree(sockets, ignore_errors=True)
        shutil.rmtree(metrics, ignore_errors=True)
