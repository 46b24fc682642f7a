"""Ports of 127.0.0.1 for the servers that `just cluster`, the tests and the benchmarks start.

A port the kernel hands out for `bind(0)` comes from its ephemeral range (`ip_local_port_range`),
the same range it draws every client connection's source port from. Such a port, free when picked,
can become the source port of some connection (a Patroni talking to etcd, a test's HTTP client)
before the server for it binds, and the server then fails with "Address already in use". So ports
are picked at random below that range, where no client connection takes its source port, and each
is handed out once by this process; binding port 0 stays the fallback when the range leaves no room.
"""

import random
import socket
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 10_000
"""Below it: well-known and registered ports other software expects to find free."""
ROOM = 2_000
"""Fewer ports than this between LOWEST and the ephemeral range: bind port 0 instead."""
TRIES = 200

_chooser = random.Random()  # noqa: S311  # its own state: a test that seeds `random` must not repeat our picks
_handed_out: set[int] = set()


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on now, outside the ephemeral range when the machine
    leaves room below it, and never the same twice in this process."""
    highest = _ephemeral_lowest() - 1
    if highest - LOWEST >= ROOM:
        for _ in range(TRIES):
            port = _chooser.randint(LOWEST, highest)
            if port not in _handed_out and _bindable(port):
                _handed_out.add(port)
                return port
    while True:
        port = _bound_by_kernel()
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def _ephemeral_lowest() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _bound_by_kernel() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
