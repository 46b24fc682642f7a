"""`just cluster`: tessera as production runs it, on one machine. A throwaway PostgreSQL (with `--ha`,
a highly available tier: etcd, Patroni over two synchronous PostgreSQL nodes, HAProxy), the
migrations run once, 3 replicas of `tessera serve --workers 2` in shared-key mode (a key-encryption
key made for the run, in a file), and Debian's nginx round-robin in front on 127.0.0.1:PORT. It
prints what to try, and stops everything it started on Ctrl-C (SIGINT) or SIGTERM; it stops too,
saying why, when one of its processes exits on its own.

Other `TESSERA_*` settings of the environment apply to every replica; the database, the keys, the
issuer and the trusted proxy are the cluster's own."""

import argparse
import base64
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

from deploy.guide import guide
from deploy.local_ha import ha_database
from deploy.local_nginx import NGINX_ADDRESS, start_nginx
from deploy.local_postgres import ClusterFailed, throwaway_postgres
from deploy.local_replicas import answers, running_replicas, stop, tessera
from deploy.ports import free_port

REPLICAS, WORKERS = 3, 2
OWN = ("DATABASE_URL", "KEY_ENCRYPTION_KEY", "KEY_ENCRYPTION_KEY_FILE", "SIGNING_KEY_FILE", "ISSUER")
OWN_TOO = ("FORWARDED_ALLOW_IPS", "METRICS_ADDRESS", "WORKER_SOCKETS")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="just cluster", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (default: 8080)")
    parser.add_argument(
        "front", nargs="?", type=int, metavar="PORT", help="nginx's port, as `just cluster 9090` gives it"
    )
    parser.add_argument(
        "--ha",
        action="store_true",
        help="a highly available database tier: etcd, Patroni over two PostgreSQL nodes in synchronous "
        "replication, HAProxy to the primary (deploy/local_ha.py)",
    )
    args = parser.parse_args(argv)
    args.port = args.front or args.port
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _stop_once)
    run = Path(tempfile.mkdtemp(prefix="tessera-cluster-"))
    run.chmod(0o711)  # the postgres account (our PostgreSQL) and nginx's workers go through it
    try:
        with ExitStack() as started:
            ha = started.enter_context(ha_database(run)) if args.ha else None
            database_url = ha.url if ha is not None else started.enter_context(throwaway_postgres(run, free_port()))
            key_file = _key_encryption_key(run)
            env = _environment(database_url, key_file, args.port)
            upgrade = tessera("db", "upgrade")
            migrated = subprocess.run(
                upgrade, env=env, cwd=run, capture_output=True, text=True, timeout=300, check=False
            )
            if migrated.returncode != 0:
                raise ClusterFailed(f"tessera db upgrade failed: {migrated.stderr.strip()}")
            replicas = started.enter_context(running_replicas(run, env, REPLICAS, WORKERS))
            nginx = start_nginx(run, args.port, [replica.port for replica in replicas])
            started.callback(stop, nginx)
            _wait_answering(nginx, f"http://127.0.0.1:{args.port}/health", run)
            print(guide(args.port, replicas, database_url, key_file, run, ha), flush=True)
            watched = {f"replica {r.number}": r.process for r in replicas} | {"nginx": nginx}
            if ha is not None:  # a Patroni node may die: that is what the tier is for; etcd and HAProxy are one each
                watched |= {name: p for name, p in ha.processes().items() if not name.startswith("patroni")}
            while True:
                for name, process in watched.items():
                    if process.poll() is not None:
                        raise ClusterFailed(f"{name} exited with {process.returncode}: stopping the rest")
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("tessera cluster: stopped, and its files removed", file=sys.stderr)
        return 0
    except ClusterFailed as error:
        print(f"tessera cluster: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(run, ignore_errors=True)


def _stop_once(number: int, frame: FrameType | None) -> None:
    """The first Ctrl-C stops the cluster; more of them must not interrupt the stopping."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("\ntessera cluster: stopping nginx, the replicas and the database", file=sys.stderr, flush=True)
    raise KeyboardInterrupt


def _key_encryption_key(run: Path) -> Path:
    """32 random bytes, base64, in a file only we can read: shared-key mode for the run."""
    path = run / "key-encryption-key"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    return path


def _environment(database_url: str, key_file: Path, port: int) -> dict[str, str]:
    mine = {f"TESSERA_{name}" for name in OWN + OWN_TOO}
    env = {name: value for name, value in os.environ.items() if name not in mine}
    env.setdefault("TESSERA_KEY_PROPAGATION_SECONDS", "30")  # a rotation to watch within a minute
    return env | {
        "TESSERA_DATABASE_URL": database_url,
        "TESSERA_KEY_ENCRYPTION_KEY_FILE": str(key_file),
        "TESSERA_ISSUER": f"http://127.0.0.1:{port}",
        # nginx alone, from its own address: the client address is X-Forwarded-For's only through it
        "TESSERA_FORWARDED_ALLOW_IPS": NGINX_ADDRESS,
    }


def _wait_answering(nginx: subprocess.Popen[bytes], url: str, run: Path, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not answers(url):
        if nginx.poll() is not None or time.monotonic() > deadline:
            log = run / "nginx-error.log"
            raise ClusterFailed(f"nginx did not answer {url}: {log.read_text().strip() if log.exists() else ''}")
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
