"""The metrics listener: prometheus_client's own HTTP server, on an address of its own
(TESSERA_METRICS_ADDRESS), never on the API's. It answers `GET /metrics` (any path) without
authentication, so it belongs on an address only the monitoring can reach."""

from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import start_http_server

from adapters.observability.metrics import exposition_registry


@contextmanager
def metrics_listener(address: tuple[str, int] | None) -> Iterator[None]:
    """Listens on `address` (none if None) while the block runs. Started by the serving process after
    PROMETHEUS_MULTIPROC_DIR is set, it serves every worker's metrics from one place. Raises OSError
    if the address cannot be bound."""
    if address is None:
        yield
        return
    host, port = address
    server, thread = start_http_server(port, addr=host, registry=exposition_registry())
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
