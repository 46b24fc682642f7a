"""The configuration files of the highly available database tier (deploy/local_ha.py): one etcd
member, Patroni on each PostgreSQL node, HAProxy in front. Each setting that shapes the failover
window is here, with its reason; docs/deployment.md §10 repeats them with the measured windows.

Timings (Patroni's dynamic configuration, stored in etcd at bootstrap):
- `ttl: 10`: the leader key lives 10 s; a leader whose Patroni dies is replaced once it expires. Short,
  within Patroni's rule `loop_wait + 2 * retry_timeout <= ttl`.
- `loop_wait: 2`: each Patroni runs its loop every 2 s: a crash is noticed within 2 s.
- `retry_timeout: 4`: etcd or PostgreSQL calls are retried for 4 s before Patroni demotes itself.
- `primary_start_timeout: 0`: a primary whose PostgreSQL crashed is not restarted in place (300 s by
  default): the synchronous standby takes over at once, and the crashed node rejoins as a standby.
- `synchronous_mode: true`: a commit is acknowledged once the standby has it, and only the synchronous
  standby may be promoted, so no acknowledged write is lost. Not strict: alone, a primary writes on.

HAProxy checks Patroni's REST `OPTIONS /primary` (`GET`'s answer without a body for HAProxy to hang
up on) every 500 ms (2 failures mark a node down, 1 success up)
and routes to the one node that answers 200; `on-marked-down shutdown-sessions` cuts every connection
to a node the moment it is marked down, so tessera's pool and LISTEN connection never keep talking to
a demoted or orphaned primary (a node whose Patroni died: its PostgreSQL still runs, read-write)."""

import json
from pathlib import Path

SCOPE = "tessera"
TTL_SECONDS, LOOP_WAIT_SECONDS, RETRY_TIMEOUT_SECONDS = 10, 2, 4
CHECK_INTERVAL_MS = 500
IDLE_TIMEOUT = "1h"
"""HAProxy's client and server timeouts: a pooled or LISTEN connection idles that long before it is cut."""


def patroni_config(
    *, name: str, data: Path, pg_port: int, rest_port: int, etcd_port: int, binaries: Path, sockets: Path
) -> str:
    """One node's patroni.yml (JSON is YAML). Trust on 127.0.0.1 only: a throwaway tier on one machine."""
    hba = [
        "local all all trust",
        "host all all 127.0.0.1/32 trust",
        "host replication all 127.0.0.1/32 trust",
    ]
    config = {
        "scope": SCOPE,
        "name": name,
        "restapi": {"listen": f"127.0.0.1:{rest_port}", "connect_address": f"127.0.0.1:{rest_port}"},
        "etcd3": {"hosts": [f"127.0.0.1:{etcd_port}"]},
        "log": {"level": "INFO"},
        "bootstrap": {
            "dcs": {
                "ttl": TTL_SECONDS,
                "loop_wait": LOOP_WAIT_SECONDS,
                "retry_timeout": RETRY_TIMEOUT_SECONDS,
                "primary_start_timeout": 0,
                "synchronous_mode": True,
                "postgresql": {
                    "use_pg_rewind": True,
                    "use_slots": True,
                    "parameters": {
                        "max_connections": 200,
                        "synchronous_commit": "on",
                        "wal_log_hints": "on",
                        "hot_standby": "on",
                    },
                },
            },
            "initdb": [{"encoding": "UTF8"}, {"auth": "trust"}, {"username": "postgres"}],
        },
        "postgresql": {
            "listen": f"127.0.0.1:{pg_port}",
            "connect_address": f"127.0.0.1:{pg_port}",
            "data_dir": str(data),
            "bin_dir": str(binaries),
            "pgpass": str(data.parent / "pgpass"),
            "authentication": {
                "superuser": {"username": "postgres"},
                "replication": {"username": "postgres"},
                "rewind": {"username": "postgres"},
            },
            "parameters": {"unix_socket_directories": str(sockets)},
            "pg_hba": hba,
            "remove_data_directory_on_rewind_failure": True,
            "remove_data_directory_on_diverged_timelines": True,
        },
        "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False, "nosync": False},
    }
    return json.dumps(config, indent=2)


def haproxy_config(*, port: int, nodes: list[tuple[str, int, int]]) -> str:
    """`nodes`: (name, PostgreSQL port, Patroni REST port). The primary alone is up."""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{pg_port} check port {rest_port}" for name, pg_port, rest_port in nodes
    )
    checks = f"inter {CHECK_INTERVAL_MS}ms fastinter {CHECK_INTERVAL_MS}ms fall 2 rise 1"
    return f"""global
    maxconn 2000

defaults
    mode tcp
    timeout connect 2s
    timeout client {IDLE_TIMEOUT}
    timeout server {IDLE_TIMEOUT}
    timeout check 1s

listen postgres-primary
    bind 127.0.0.1:{port}
    option clitcpka
    option srvtcpka
    option httpchk OPTIONS /primary
    http-check expect status 200
    default-server {checks} on-marked-down shutdown-sessions
{servers}
"""


def pgbouncer_config(*, port: int, server_port: int, directory: Path, pool_size: int = 20) -> str:
    """Transaction pooling in front of `server_port` (PostgreSQL, or HAProxy's primary port)."""
    return f"""[databases]
* = host=127.0.0.1 port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "userlist.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 1000
server_reset_query =
ignore_startup_parameters = extra_float_digits
server_connect_timeout = 2
server_login_retry = 1
query_wait_timeout = 10
logfile = {directory / "pgbouncer.log"}
pidfile = {directory / "pgbouncer.pid"}
"""
