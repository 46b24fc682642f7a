"""Debian's nginx for `just cluster`: round-robin over the replicas on 127.0.0.1:PORT, run in the
foreground from a configuration of its own in the run's directory (nothing of /etc/nginx is used).

nginx connects to the replicas from an address of its own, `NGINX_ADDRESS` (`proxy_bind`), and that
address alone is the replicas' trusted proxy (TESSERA_FORWARDED_ALLOW_IPS). Every other local client
(curl, a browser, a script) connects from 127.0.0.1, so an `X-Forwarded-For` it sends straight to a
replica is not believed: it cannot choose the address that login throttling counts. A loopback address
rather than a unix socket: the replicas stay reachable on 127.0.0.1 ports for the guide's per-replica
checks, and the loopback network (127.0.0.0/8) needs no setup on Linux."""

import shutil
import subprocess
from pathlib import Path

from deploy.local_postgres import ClusterFailed
from deploy.packages import install_when_missing

NGINX_ADDRESS = "127.0.0.2"
"""The source address of nginx's connections to the replicas: the one proxy they believe."""

CONFIGURATION = """\
worker_processes 1;
pid {run}/nginx.pid;
daemon off;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
    access_log {run}/nginx-access.log upstream;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream tessera {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://tessera;
            proxy_bind {nginx_address};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    def found() -> str | None:
        return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)

    install_when_missing(lambda: found() is not None, "nginx")
    if (binary := found()) is None:
        raise ClusterFailed("no nginx: apt-get install nginx")
    return binary


def start_nginx(run: Path, port: int, replica_ports: list[int]) -> subprocess.Popen[bytes]:
    """nginx in the foreground (its own session, stopped by the caller), once its configuration
    checks out; round-robin, nginx's default, over `replica_ports`."""
    binary = nginx_binary()
    servers = "\n".join(f"        server 127.0.0.1:{replica};" for replica in replica_ports)
    config = run / "nginx.conf"
    config.write_text(CONFIGURATION.format(run=run, port=port, servers=servers, nginx_address=NGINX_ADDRESS))
    command = [binary, "-p", str(run), "-e", str(run / "nginx-error.log"), "-c", str(config)]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False)
    if checked.returncode != 0:
        raise ClusterFailed(f"nginx refused its configuration: {checked.stderr.strip()}")
    with (run / "nginx.out").open("wb") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
