"""The Containerfile, built with Debian's podman on a local Debian base and run against the test
PostgreSQL: the README's walk-through through the container, its health check, its user."""

import base64
import contextlib
import json
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.podman import build_image, podman, require_podman
from tests.support.ports import PortTaken, on_a_free_port
from tests.support.readme_flow import walk_the_readme_flow

# The first test builds the image: from nothing, about 2 minutes on a loaded 2-core machine.
pytestmark = [pytest.mark.postgres, pytest.mark.timeout(900), pytest.mark.served]
IMAGE = "localhost/tessera:test"
STARTED_WITHIN_SECONDS = 180.0
CHEAP_ARGON2 = ("TESSERA_ARGON2_TIME_COST=1", "TESSERA_ARGON2_MEMORY_KIB=1024")


@pytest.fixture(scope="module")
def image() -> str:
    require_podman()
    build_image(IMAGE)
    return IMAGE


def _inspected(image: str) -> dict[str, Any]:
    inspected = podman("image", "inspect", image)
    assert inspected.returncode == 0, inspected.stderr
    return dict(json.loads(inspected.stdout)[0])


def test_the_image_serves_by_default_as_a_non_root_user_with_a_health_check_and_no_compiler(image: str) -> None:
    inspected = _inspected(image)
    config, health_check = inspected["Config"], inspected["Healthcheck"]
    assert config["User"] == "tessera"
    assert config["Cmd"][-1] == 'exec tessera serve --host 0.0.0.0 --port "$PORT" --workers "$WORKERS"'
    assert {"PORT=8000", "WORKERS=2"} <= set(config["Env"])
    assert health_check["Test"][0] == "CMD"
    assert "/health" in " ".join(health_check["Test"])
    who = podman("run", "--rm", "--network", "host", image, "id", "-u")
    assert who.returncode == 0, who.stderr
    assert who.stdout.strip() not in ("", "0")
    compilers = podman("run", "--rm", "--network", "host", image, "sh", "-c", "command -v gcc cc c++ clang make")
    assert compilers.returncode != 0 and compilers.stdout == "", compilers.stdout


@contextlib.contextmanager
def _serving(image: str, *settings: str, mounts: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """The image's own command, detached, on the host's network and a free port (`PORT`), until it is
    ready; its name and base URL. Removed on exit. The health check runs on demand (`podman
    healthcheck run`): there is no systemd here to time it."""
    names: list[str] = []

    def start(port: int) -> tuple[str, str]:
        name = f"tessera-test-{uuid.uuid4().hex[:8]}"
        names.append(name)
        started = podman(
            *("run", "--detach", "--name", name, "--network", "host", "--health-interval", "disable"),
            *(f"--env={setting}" for setting in (*settings, f"PORT={port}", f"TESSERA_ISSUER=http://127.0.0.1:{port}")),
            *(f"--volume={mount}" for mount in mounts),
            image,
        )
        assert started.returncode == 0, started.stderr
        base = f"http://127.0.0.1:{port}"
        _wait_ready(name, base)
        return name, base

    try:
        yield on_a_free_port(start)
    finally:
        for name in names:
            podman("rm", "--force", "--time", "10", name)


def _logs(name: str) -> str:
    shown = podman("logs", name)
    return shown.stdout[-2000:] + shown.stderr[-4000:]


def _wait_ready(name: str, base: str) -> None:
    """PortTaken if the port was taken before the server bound it (tests.support.ports)."""
    deadline = time.monotonic() + STARTED_WITHIN_SECONDS
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        if podman("inspect", "--format", "{{.State.Running}}", name).stdout.strip() != "true":
            if "address already in use" in (logs := _logs(name)).lower():
                raise PortTaken(logs)
            raise AssertionError(f"the container exited:\n{logs}")
        assert time.monotonic() < deadline, f"not ready within {STARTED_WITHIN_SECONDS} s:\n{_logs(name)}"
        time.sleep(0.5)


def test_the_image_migrates_and_serves_the_readme_walk_through_with_a_mounted_key_encryption_key(
    image: str, clean_postgres_url: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "key-encryption-key"
    key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    key_file.chmod(0o400)
    if os.geteuid() == 0:
        os.chown(key_file, 10001, 10001)  # the image's user, who alone reads it
    database = f"TESSERA_DATABASE_URL={clean_postgres_url}"
    migrated = podman("run", "--rm", "--network", "host", "--env", database, image, "tessera", "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr

    settings = (database, "TESSERA_KEY_ENCRYPTION_KEY_FILE=/run/secrets/kek", *CHEAP_ARGON2)
    with _serving(image, *settings, mounts=(f"{key_file}:/run/secrets/kek:ro",)) as (name, base):
        health = podman("healthcheck", "run", name)
        assert health.returncode == 0, health.stdout + health.stderr
        walk_the_readme_flow(base)
        assert podman("exec", name, "id", "-un").stdout.strip() == "tessera"
