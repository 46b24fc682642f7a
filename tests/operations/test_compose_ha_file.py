"""compose.ha.yaml describes `just cluster --ha`'s topology for users with a container engine; no engine
runs here, so its structure is checked: the services and the order they start in, Patroni's settings
(the same timings as deploy/ha_settings.py, synchronous replication), HAProxy routing to the primary
by Patroni's REST check, pgbouncer in transaction pooling, and tessera's two database URLs."""

import configparser
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from deploy import ha_settings
from entrypoints.settings.config_warnings import SETTINGS

REPOSITORY = Path(__file__).resolve().parents[2]
REPLICAS = ("tessera-1", "tessera-2", "tessera-3")
NODES = ("patroni-1", "patroni-2")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPOSITORY / "compose.ha.yaml").read_text()))


def _conditions(service: dict[str, Any]) -> dict[str, str]:
    return {name: rule["condition"] for name, rule in service.get("depends_on", {}).items()}


def _mounted(service: dict[str, Any], target: str) -> Path:
    sources = [volume.split(":")[0] for volume in service["volumes"] if volume.split(":")[1] == target]
    assert len(sources) == 1, target
    path = REPOSITORY / sources[0]
    assert path.exists(), path
    return path


def test_the_ha_compose_file_has_etcd_two_patroni_nodes_haproxy_pgbouncer_a_migration_three_replicas_and_nginx(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == {"etcd", *NODES, "haproxy", "pgbouncer", "migrate", *REPLICAS, "nginx"}
    for name in (*NODES, "pgbouncer", "migrate", *REPLICAS):
        dockerfile = Path(services[name]["build"]["context"]) / services[name]["build"]["dockerfile"]
        assert (REPOSITORY / dockerfile).exists(), name


def test_services_start_in_order_etcd_then_patroni_then_haproxy_then_pgbouncer_and_the_migration_then_tessera(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert all(_conditions(services[node]) == {"etcd": "service_healthy"} for node in NODES)
    assert _conditions(services["haproxy"]) == dict.fromkeys(NODES, "service_healthy")
    assert _conditions(services["pgbouncer"]) == {"haproxy": "service_healthy"}
    assert _conditions(services["migrate"]) == {"haproxy": "service_healthy"}
    assert _conditions(services["tessera-1"]) == {
        "migrate": "service_completed_successfully",
        "pgbouncer": "service_healthy",
    }
    assert _conditions(services["tessera-2"]) == _conditions(services["tessera-3"]) == {"tessera-1": "service_healthy"}
    for name, service in services.items():
        assert set(_conditions(service)) <= set(services), name
        assert name == "migrate" or service["healthcheck"]["test"][0] == "CMD", name


def test_the_patroni_nodes_share_one_scope_in_etcd_with_the_timings_and_synchronous_replication_of_the_local_tier(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    names = {services[node]["environment"]["PATRONI_NAME"] for node in NODES}
    assert names == set(NODES)
    for node in NODES:
        environment = services[node]["environment"]
        assert environment["PATRONI_POSTGRESQL_CONNECT_ADDRESS"] == f"{node}:5432"
        assert environment["PATRONI_RESTAPI_CONNECT_ADDRESS"] == f"{node}:8008"
        assert {"PATRONI_SUPERUSER_PASSWORD", "PATRONI_REPLICATION_PASSWORD"} <= set(environment)
    configs = {_mounted(services[node], "/etc/patroni/patroni.yml") for node in NODES}
    assert len(configs) == 1
    patroni = yaml.safe_load(configs.pop().read_text())
    assert patroni["etcd3"]["hosts"] == "etcd:2379"
    dcs = patroni["bootstrap"]["dcs"]
    assert (dcs["ttl"], dcs["loop_wait"], dcs["retry_timeout"]) == (
        ha_settings.TTL_SECONDS,
        ha_settings.LOOP_WAIT_SECONDS,
        ha_settings.RETRY_TIMEOUT_SECONDS,
    )
    assert dcs["loop_wait"] + 2 * dcs["retry_timeout"] <= dcs["ttl"], "Patroni's rule"
    assert dcs["synchronous_mode"] is True and dcs["primary_start_timeout"] == 0
    assert dcs["postgresql"]["parameters"]["synchronous_commit"] == "on"
    assert dcs["postgresql"]["use_pg_rewind"] is True


def test_haproxy_routes_to_the_node_whose_patroni_says_primary_and_cuts_connections_to_a_node_marked_down(
    compose: dict[str, Any],
) -> None:
    config = _mounted(compose["services"]["haproxy"], "/usr/local/etc/haproxy/haproxy.cfg").read_text()
    assert re.search(r"option httpchk OPTIONS /primary\n\s+http-check expect status 200", config)
    assert "on-marked-down shutdown-sessions" in config
    servers = re.findall(r"server (\S+) (\S+):5432 check port 8008", config)
    assert servers == [(node, node) for node in NODES]
    local = ha_settings.haproxy_config(port=5000, nodes=[(node, 5432, 8008) for node in NODES])
    assert re.findall(r"default-server .*", config) == re.findall(r"default-server .*", local), "as the local tier"


def test_pgbouncer_pools_transactions_in_front_of_haproxy(compose: dict[str, Any]) -> None:
    service = compose["services"]["pgbouncer"]
    ini = configparser.ConfigParser()
    ini.read_string(_mounted(service, "/etc/pgbouncer/pgbouncer.ini").read_text())
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert ini["databases"]["*"] == "host=haproxy port=5000"
    assert service["secrets"] == ["pgbouncer_userlist"]
    assert ini["pgbouncer"]["auth_file"] == "/run/secrets/pgbouncer_userlist"


def test_tessera_writes_through_pgbouncer_and_listens_on_the_primary_through_haproxy(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in REPLICAS:
        environment = services[name]["environment"]
        assert set(environment) <= SETTINGS, "only settings tessera knows"
        pooled = make_url(environment["TESSERA_DATABASE_URL"])
        listening = make_url(environment["TESSERA_LISTEN_DATABASE_URL"])
        assert (pooled.host, pooled.port, dict(pooled.query)) == ("pgbouncer", 6432, {"pooler": "pgbouncer"})
        assert (listening.host, listening.port, dict(listening.query)) == ("haproxy", 5000, {})
        assert int(environment["TESSERA_REFRESH_GRACE_SECONDS"]) > ha_settings.TTL_SECONDS, "longer than a failover"
    migration = make_url(services["migrate"]["environment"]["TESSERA_DATABASE_URL"])
    assert (migration.host, migration.port) == ("haproxy", 5000)
