"""The real `tessera` command, serving on a free port, driven over HTTP like any client would."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.http import PASSWORD
from tests.support.served import environment, serving, upgraded

pytestmark = pytest.mark.served


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = environment(tmp_path)
    upgraded(env, tmp_path)
    with serving(env, tmp_path) as base:
        assert (tmp_path / "tessera-dev-signing-key.jwk").exists(), "the dev key is generated on first start"
        yield base


def test_the_whole_lifecycle_against_a_served_process(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        assert http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 201
        first = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {first['access_token']}"}
        assert http.get("/api/user/profile", headers=bearer).json()["email"] == "ada@example.com"

        second = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200
        third = http.post("/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
        assert third.status_code == 200
        rotated = third.json()

        reuse = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reuse.status_code == 401
        assert http.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
        rotated_bearer = {"Authorization": f"Bearer {rotated['access_token']}"}
        assert http.get("/api/user/profile", headers=rotated_bearer).status_code == 401

        again = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        again_bearer = {"Authorization": f"Bearer {again['access_token']}"}
        assert http.get("/api/user/profile", headers=again_bearer).status_code == 200
        assert http.post("/auth/logout", headers=again_bearer).status_code == 204
        profile = http.get("/api/user/profile", headers=again_bearer)
        assert profile.status_code == 401
        assert profile.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'


def test_a_revocation_survives_a_restart_of_the_process(tmp_path: Path, server: str) -> None:
    """The revocation view is built from storage at start-up: a process started after a logout
    (a restart, or a new replica) still refuses the logged-out access token."""
    with httpx.Client(base_url=server, timeout=10) as http:
        http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
        tokens = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert http.post("/auth/logout", headers=bearer).status_code == 204
    with serving(environment(tmp_path), tmp_path) as second_replica:
        assert httpx.get(f"{second_replica}/api/user/profile", headers=bearer, timeout=5).status_code == 401
