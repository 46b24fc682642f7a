"""deploy/ports.py: the ports servers are started on lie below the ephemeral range, where no client
connection takes its source port, are free when handed out, and are handed out once."""

import socket
from pathlib import Path

import pytest

from deploy import ports


def test_ports_are_picked_below_the_ephemeral_range_free_and_never_twice() -> None:
    lowest = int(ports.EPHEMERAL_RANGE.read_text().split()[0])
    picked = [ports.free_port() for _ in range(300)]
    assert len(set(picked)) == len(picked)
    assert all(ports.LOWEST <= port < lowest for port in picked)
    with socket.socket() as server:
        server.bind(("127.0.0.1", picked[-1]))  # free when handed out


def test_a_port_someone_listens_on_is_never_handed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        first_picks = [port, port]  # the taken port comes up first, twice; then the chooser's own picks
        pick = ports._chooser.randint
        monkeypatch.setattr(
            ports._chooser, "randint", lambda low, high: first_picks.pop() if first_picks else pick(low, high)
        )
        monkeypatch.setattr(ports, "_ephemeral_lowest", lambda: port + 1)
        monkeypatch.setattr(ports, "LOWEST", port - ports.ROOM)
        assert ports.free_port() != port
        assert first_picks == []


def test_without_room_below_the_ephemeral_range_the_kernel_picks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    narrow = tmp_path / "ip_local_port_range"
    narrow.write_text("10500\t60999\n")
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE", narrow)
    port = ports.free_port()
    assert 10_500 <= port <= 60_999
