"""What `just cluster` prints once it is up: where everything is, and what to try against it."""

from pathlib import Path

from deploy.local_ha import HaDatabase
from deploy.local_nginx import NGINX_ADDRESS
from deploy.local_replicas import Replica

REPOSITORY = Path(__file__).resolve().parents[1]

JSON = "-H 'content-type: application/json'"
ADA = '"email": "ada@example.com", "password": "correct horse battery staple"'


def guide(
    port: int, replicas: list[Replica], database_url: str, key_file: Path, run: Path, ha: HaDatabase | None = None
) -> str:
    front = f"127.0.0.1:{port}"
    ports = " ".join(str(replica.port) for replica in replicas)
    lines = [
        f"tessera cluster: ready on http://{front} (nginx, round-robin over {len(replicas)} replicas)",
        *(f"  replica {r.number}: {r.url}  (log {r.log})" for r in replicas),
        f"  nginx: access log {run / 'nginx-access.log'} (upstream= says which replica answered)",
        f"  trusted proxy: nginx alone, connecting from {NGINX_ADDRESS}; X-Forwarded-For sent straight to a "
        "replica is ignored",
        f"  PostgreSQL: {database_url}",
        f"  run directory: {run} (removed on Ctrl-C)",
        "",
        "Try, in another terminal (jq extracts fields from the JSON):",
        "",
        f"curl -s -w '\\n' -X POST {front}/auth/register {JSON} -d '{{{ADA}}}'",
        f"curl -s -X POST {front}/auth/login {JSON} -d '{{{ADA}}}' > tokens.json",
        "ACCESS=$(jq -r .access_token tokens.json); REFRESH=$(jq -r .refresh_token tokens.json)",
        f"curl -s -w '\\n' {front}/api/user/profile -H \"Authorization: Bearer $ACCESS\"",
        f'curl -s -X POST {front}/auth/refresh {JSON} -d "{{\\"refresh_token\\": \\"$REFRESH\\"}}" > tokens.json',
        "ACCESS=$(jq -r .access_token tokens.json)",
        "",
        "# Every replica accepts the token; log out through nginx, and every replica refuses it:",
        f"for p in {ports}; do curl -s -o /dev/null -w '%{{http_code}} ' "
        '127.0.0.1:$p/api/user/profile -H "Authorization: Bearer $ACCESS"; done; echo   # 200 200 200',
        f"curl -s -o /dev/null -w '%{{http_code}}\\n' -X POST {front}/auth/logout "
        '-H "Authorization: Bearer $ACCESS"   # 204',
        f"for p in {ports}; do curl -s -o /dev/null -w '%{{http_code}} ' "
        '127.0.0.1:$p/api/user/profile -H "Authorization: Bearer $ACCESS"; done; echo   # 401 401 401',
        "",
        "# Rotate the shared signing key: published at once, signing after TESSERA_KEY_PROPAGATION_SECONDS",
        f"export TESSERA_DATABASE_URL={database_url} TESSERA_KEY_ENCRYPTION_KEY_FILE={key_file}",
        f"uv run --locked --project {REPOSITORY} tessera keys rotate",
        f"uv run --locked --project {REPOSITORY} tessera keys list",
        f"curl -s {front}/.well-known/jwks.json | jq '.keys[].kid'   # both keys, from any replica",
        "",
        *(_ha_lines(ha) if ha is not None else []),
        "Ctrl-C stops everything this started.",
    ]
    return "\n".join(lines)


def _ha_lines(ha: HaDatabase) -> list[str]:
    """Where the HA tier's parts are, and how to fail it over by hand."""
    config = ha.nodes[0].config
    return [
        "# The database tier (--ha): HAProxy routes to whichever node Patroni's REST API calls primary",
        *(f"#   {n.name}: PostgreSQL 127.0.0.1:{n.pg_port}, Patroni REST 127.0.0.1:{n.rest_port}" for n in ha.nodes),
        f"#   etcd 127.0.0.1:{ha.etcd_port}; logs in {ha.root}",
        f"patronictl -c {config} list",
        f"patronictl -c {config} switchover --force   # a planned switchover: writes answer 503 for a few seconds",
        "# an unplanned one: kill -9 the primary's postmaster (its pid: the first line of DATA/postmaster.pid)",
        "",
    ]
