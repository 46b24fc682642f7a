"""The README's walk-through with curl (register, log in, profile, refresh twice, reuse, log in
again, log out), as HTTP requests against a served tessera at `base`."""

import httpx

from tests.support.http import PASSWORD

ADA = {"email": "ada@example.com", "password": PASSWORD}


def walk_the_readme_flow(base: str) -> None:
    with httpx.Client(base_url=base, timeout=15) as http:
        registered = http.post("/auth/register", json={**ADA, "display_name": "Ada"})
        assert registered.status_code == 201, registered.text
        first = http.post("/auth/login", json=ADA).json()
        profile = http.get("/api/user/profile", headers=_bearer(first["access_token"]))
        assert profile.status_code == 200, profile.text
        assert profile.json()["email"] == "ada@example.com"

        second = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200, second.text
        third = http.post("/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
        assert third.status_code == 200, third.text

        assert http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 401
        assert http.get("/api/user/profile", headers=_bearer(third.json()["access_token"])).status_code == 401

        again = http.post("/auth/login", json=ADA).json()
        assert http.post("/auth/logout", headers=_bearer(again["access_token"])).status_code == 204
        refused = http.get("/api/user/profile", headers=_bearer(again["access_token"]))
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}
