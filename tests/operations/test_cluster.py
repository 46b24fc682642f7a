"""`just cluster` (deploy/cluster.py): a throwaway PostgreSQL, 3 replicas of 2 workers in shared-key
mode, nginx round-robin in front; a session walked through nginx, a logout seen by every replica,
`X-Forwarded-For` believed from nginx alone, and Ctrl-C (SIGINT) stopping everything it started.
`just cluster --ha` likewise, over etcd, Patroni and HAProxy, through a switchover."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from deploy.ports import free_port
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(600), pytest.mark.served]
REPOSITORY = Path(__file__).resolve().parents[2]
STARTED_WITHIN_SECONDS = 400.0
"""Three replicas of two workers each start one after another on a loaded 2-core machine."""
ADA = {"email": "ada@example.com", "password": PASSWORD}


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _family(*roots: int) -> set[int]:
    """The processes `roots` and all their descendants, now."""
    tree, found, todo = _children(), set(roots), list(roots)
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie left for an init that does not reap (as in some containers)."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def _listened(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def _guide(cluster: subprocess.Popen[str]) -> str:
    """What the cluster prints once it is up (all of it, up to its Ctrl-C line)."""
    lines: list[str] = []

    def read() -> None:
        assert cluster.stdout is not None
        for line in cluster.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C stops"):
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(STARTED_WITHIN_SECONDS)
    assert not reader.is_alive(), f"not up within {STARTED_WITHIN_SECONDS} s: {''.join(lines)}"
    assert lines and lines[-1].startswith("Ctrl-C stops"), f"exited with {cluster.poll()}: {''.join(lines)}"
    return "".join(lines)


def _statuses(ports: list[int], access_token: str) -> list[int]:
    headers = {"Authorization": f"Bearer {access_token}"}
    return [httpx.get(f"http://127.0.0.1:{p}/api/user/profile", headers=headers, timeout=10).status_code for p in ports]


def _client_logged(run: Path, marker: str) -> str:
    """The client address the replica that answered the request named by `marker` logged (uvicorn's
    access line `ADDRESS:PORT - "GET /health?probe=MARKER ..."`), once it is written."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        logs = "".join(log.read_text(errors="replace") for log in run.glob("replica-*.log"))
        if found := re.findall(rf"(\S+):\d+ - \"GET /health\?probe={marker} ", logs):
            return str(found[0])
        time.sleep(0.1)
    raise AssertionError(f"no replica logged the request {marker}")


def _client_addresses_seen(front: int, replica: int, run: Path) -> tuple[str, str]:
    """What a replica takes for the client's address: asked straight from 127.0.0.1, and through nginx
    from 127.0.0.3, each time with a forged `X-Forwarded-For`."""
    forged = {"X-Forwarded-For": "203.0.113.9"}
    assert httpx.get(f"http://127.0.0.1:{replica}/health?probe=direct", headers=forged, timeout=10).status_code == 200
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=10) as elsewhere:
        assert elsewhere.get(f"http://127.0.0.1:{front}/health?probe=proxied", headers=forged).status_code == 200
    return _client_logged(run, "direct"), _client_logged(run, "proxied")


def test_the_cluster_serves_through_nginx_sees_a_logout_on_every_replica_and_stops_all_it_started_on_ctrl_c(
    tmp_path: Path,
) -> None:
    front = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("TESSERA_")}
    env |= {"TESSERA_ARGON2_TIME_COST": "1", "TESSERA_ARGON2_MEMORY_KIB": "1024", "PYTHONPATH": str(REPOSITORY)}
    with (tmp_path / "cluster.err").open("w") as errors:
        cluster = subprocess.Popen(
            [sys.executable, "-m", "deploy.cluster", "--port", str(front)],
            cwd=REPOSITORY, env=env, stdout=subprocess.PIPE, stderr=errors, text=True,
        )  # fmt: skip
    try:
        guide = _guide(cluster)
        replicas = [int(port) for port in re.findall(r"replica \d: http://127\.0\.0\.1:(\d+)", guide)]
        run = Path(re.findall(r"run directory: (\S+)", guide)[0])
        database_port = int(re.findall(r"PostgreSQL: postgresql://postgres@127\.0\.0\.1:(\d+)/", guide)[0])
        postmaster = int((run / "postgres" / "data" / "postmaster.pid").read_text().split()[0])
        started = _family(cluster.pid, postmaster)
        assert len(replicas) == 3 and f"ready on http://127.0.0.1:{front}" in guide

        with httpx.Client(base_url=f"http://127.0.0.1:{front}", timeout=15) as http:
            assert http.post("/auth/register", json=ADA).status_code == 201
            tokens = http.post("/auth/login", json=ADA).json()
            refreshed = http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            assert refreshed.status_code == 200, refreshed.text
            access = refreshed.json()["access_token"]
            assert _statuses(replicas, access) == [200, 200, 200]
            logout = http.post("/auth/logout", headers={"Authorization": f"Bearer {access}"})
            assert logout.status_code == 204
        assert _statuses(replicas, access) == [401, 401, 401]
        answered = set(re.findall(r"upstream=127\.0\.0\.1:(\d+)", (run / "nginx-access.log").read_text()))
        assert answered == {str(port) for port in replicas}, "round-robin: every replica answered through nginx"
        # Only nginx's own connections (from 127.0.0.2) are believed: a local client's forged header is
        # ignored straight at a replica, and through nginx the replica sees the address nginx saw.
        assert _client_addresses_seen(front, replicas[0], run) == ("127.0.0.1", "127.0.0.3")
    finally:
        cluster.send_signal(signal.SIGINT)
        exited = cluster.wait(timeout=120)
    assert exited == 0, (tmp_path / "cluster.err").read_text()
    deadline = time.monotonic() + 10
    while (left := sorted(pid for pid in started if _alive(pid))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == [], "processes the cluster started are still running"
    assert not any(_listened(port) for port in [front, database_port, *replicas])
    assert not run.exists()


def test_the_ha_cluster_serves_through_haproxy_to_the_primary_and_stops_all_it_started_on_ctrl_c(
    tmp_path: Path,
) -> None:
    """`just cluster --ha`: etcd, Patroni over two PostgreSQL nodes, HAProxy; a session walked through
    nginx, a switchover by hand, and Ctrl-C leaving no process, port or file behind, the PostgreSQL
    servers Patroni started in sessions of their own included."""
    front = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("TESSERA_")}
    env |= {"TESSERA_ARGON2_TIME_COST": "1", "TESSERA_ARGON2_MEMORY_KIB": "1024", "PYTHONPATH": str(REPOSITORY)}
    with (tmp_path / "cluster.err").open("w") as errors:
        cluster = subprocess.Popen(
            [sys.executable, "-m", "deploy.cluster", "--ha", str(front)],
            cwd=REPOSITORY, env=env, stdout=subprocess.PIPE, stderr=errors, text=True,
        )  # fmt: skip
    try:
        guide = _guide(cluster)
        run = Path(re.findall(r"run directory: (\S+)", guide)[0])
        nodes = [int(port) for port in re.findall(r"node\d: PostgreSQL 127\.0\.0\.1:(\d+)", guide)]
        rest = [int(port) for port in re.findall(r"Patroni REST 127\.0\.0\.1:(\d+)", guide)]
        haproxy = int(re.findall(r"PostgreSQL: postgresql://postgres@127\.0\.0\.1:(\d+)/", guide)[0])
        postmasters = [int(p.read_text().split()[0]) for p in (run / "ha").glob("node*/data/postmaster.pid")]
        started = _family(cluster.pid, *postmasters)
        assert len(nodes) == 2 and len(postmasters) == 2
        switchover = re.findall(r"^(patronictl -c \S+ switchover --force)", guide, re.MULTILINE)[0].split()

        with httpx.Client(base_url=f"http://127.0.0.1:{front}", timeout=15) as http:
            assert http.post("/auth/register", json=ADA).status_code == 201
            tokens = http.post("/auth/login", json=ADA).json()
            moved = subprocess.run(
                ["runuser", "-u", "postgres", "--", *switchover] if os.geteuid() == 0 else switchover,
                capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            assert moved.returncode == 0, moved.stdout + moved.stderr
            deadline = time.monotonic() + 60
            while (
                refreshed := http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            ).status_code == 503:
                assert time.monotonic() < deadline, "writes never came back after the switchover"
                time.sleep(0.2)
            assert refreshed.status_code == 200, refreshed.text
        postmasters = [int(p.read_text().split()[0]) for p in (run / "ha").glob("node*/data/postmaster.pid")]
        started |= set(postmasters)
    finally:
        cluster.send_signal(signal.SIGINT)
        exited = cluster.wait(timeout=180)
    assert exited == 0, (tmp_path / "cluster.err").read_text()
    deadline = time.monotonic() + 15
    while (left := sorted(pid for pid in started if _alive(pid))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == [], "processes the cluster started are still running"
    assert not any(_listened(port) for port in [front, haproxy, *nodes, *rest])
    assert not run.exists()
