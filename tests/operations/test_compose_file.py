"""compose.yaml describes `just cluster`'s topology for users with a container engine. No engine runs
here, so its structure is checked instead: the services, the order they start in (depends_on
conditions), the health checks, the shared key as a mounted secret, and nginx's upstreams."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from entrypoints.settings.config_warnings import SETTINGS

REPOSITORY = Path(__file__).resolve().parents[2]
REPLICAS = ("tessera-1", "tessera-2", "tessera-3")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPOSITORY / "compose.yaml").read_text()))


def _conditions(service: dict[str, Any]) -> dict[str, str]:
    return {name: rule["condition"] for name, rule in service.get("depends_on", {}).items()}


def test_the_compose_file_has_postgresql_a_one_shot_migration_three_replicas_and_nginx(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", *REPLICAS, "nginx"}
    assert services["migrate"]["command"] == ["tessera", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("migrate", *REPLICAS):
        assert services[name]["build"] == {"context": ".", "dockerfile": "Containerfile"}
        assert (REPOSITORY / services[name]["build"]["dockerfile"]).exists()
        assert "command" not in services[name] or name == "migrate", "replicas run the image's `tessera serve`"


def test_services_start_in_order_postgres_healthy_then_migrated_then_the_first_replica_then_the_rest(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert _conditions(services["migrate"]) == {"postgres": "service_healthy"}
    assert _conditions(services["tessera-1"]) == {"migrate": "service_completed_successfully"}
    # The first replica makes the first signing key on an empty key table: the others wait for it.
    assert _conditions(services["tessera-2"]) == _conditions(services["tessera-3"]) == {"tessera-1": "service_healthy"}
    assert _conditions(services["nginx"]) == dict.fromkeys(REPLICAS, "service_healthy")
    for service in services.values():
        assert set(_conditions(service)) <= set(services)


def test_every_long_running_service_has_a_health_check_and_the_replicas_probe_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("postgres", *REPLICAS, "nginx"):
        test = services[name]["healthcheck"]["test"]
        assert test[0] == "CMD" and len(test) > 1, name
    for name in REPLICAS:
        assert "http://127.0.0.1:8000/health" in " ".join(services[name]["healthcheck"]["test"])
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_the_replicas_share_one_database_and_a_key_encryption_key_from_a_mounted_secret(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    environments = [services[name]["environment"] for name in ("migrate", *REPLICAS)]
    assert all(environment == environments[0] for environment in environments)
    settings = environments[0]
    assert set(settings) <= SETTINGS, "only settings tessera knows"
    assert "TESSERA_KEY_ENCRYPTION_KEY" not in settings and "TESSERA_SIGNING_KEY_FILE" not in settings
    secret = settings["TESSERA_KEY_ENCRYPTION_KEY_FILE"].removeprefix("/run/secrets/")
    assert secret in compose["secrets"]
    assert all(services[name]["secrets"] == [secret] for name in REPLICAS)
    assert settings["TESSERA_DATABASE_URL"].endswith("@postgres:5432/tessera")
    assert "${POSTGRES_PASSWORD" in settings["TESSERA_DATABASE_URL"], "no password in the file"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    nginx_address = services["nginx"]["networks"]["tessera"]["ipv4_address"]
    assert settings["TESSERA_FORWARDED_ALLOW_IPS"] == nginx_address


def test_nginx_listens_on_localhost_8080_and_round_robins_over_the_three_replicas(compose: dict[str, Any]) -> None:
    nginx = compose["services"]["nginx"]
    assert nginx["ports"] == ["127.0.0.1:8080:8080"]
    source, target = nginx["volumes"][0].split(":")[:2]
    assert target == "/etc/nginx/conf.d/default.conf"
    config = (REPOSITORY / source).read_text()
    assert re.findall(r"^\s*server (\S+);", config, re.MULTILINE) == [f"{name}:8000" for name in REPLICAS]
    assert re.search(r"^\s*listen 8080;", config, re.MULTILINE)
    assert "proxy_pass http://tessera;" in config
