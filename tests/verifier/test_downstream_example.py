"""docs/examples/downstream_service.py, run as its own process against a live tessera: it accepts
tessera's access tokens, refuses every other, picks up a new signing key when it meets its kid (with no
refetch interval to shorten), and refuses a logged-out session's tokens."""

import base64
import contextlib
import json
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwe, jws
from joserfc.jwk import RSAKey

from adapters.crypto.joserfc_key_vault import key_encryption_key
from tests.support.http import PASSWORD
from tests.support.oauth import CLIENT, CLIENT_ID, CLIENT_SECRET
from tests.support.served import REPOSITORY, environment, running, serving, tessera, upgraded

pytestmark = pytest.mark.served

ISSUER, AUDIENCE = "https://auth.example.test", "orders-api"
EXAMPLE = REPOSITORY / "docs" / "examples"
KEK = base64.b64encode(secrets.token_bytes(32)).decode()


@contextlib.contextmanager
def downstream(tessera_url: str, cwd: Path) -> Iterator[str]:
    """The example under uvicorn (tessera's own ASGI server; the example needs none of its own), as a trusted client."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TESSERA_URL": tessera_url,
        "TESSERA_ISSUER": ISSUER,
        "TESSERA_AUDIENCE": AUDIENCE,
        "TESSERA_CLIENT_ID": CLIENT_ID,
        "TESSERA_CLIENT_SECRET": CLIENT_SECRET,
    }
    example = [sys.executable, "-m", "uvicorn", "--factory", "downstream_service:create_app", "--app-dir", str(EXAMPLE)]

    def command(port: int) -> list[str]:
        return [*example, "--host", "127.0.0.1", "--port", str(port)]

    # Unauthenticated, /whoami answers 401 once the example is up.
    with running(command, "/whoami", 401, env=env, cwd=cwd, log_path=cwd / "downstream.log") as base:
        yield base


@pytest.fixture
def services(tmp_path: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    env = environment(
        tmp_path,
        TESSERA_KEY_ENCRYPTION_KEY=KEK,
        TESSERA_KEY_RELOAD_SECONDS="1",
        TESSERA_ISSUER=ISSUER,
        TESSERA_AUDIENCE=AUDIENCE,
        TESSERA_OAUTH_CLIENTS=f"{CLIENT.client_id}:{CLIENT.secret_hash}",
    )
    upgraded(env, tmp_path)
    with serving(env, tmp_path) as tessera_url, downstream(tessera_url, tmp_path) as downstream_url:
        yield tessera_url, downstream_url, env


def log_in(tessera_url: str) -> str:
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    response = httpx.post(f"{tessera_url}/auth/login", json=credentials, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def whoami(downstream_url: str, token: str) -> httpx.Response:
    return httpx.get(f"{downstream_url}/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def header_of(token: str) -> dict[str, Any]:
    encoded = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))))


def payload_of(token: str) -> dict[str, Any]:
    encoded = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))))


def tesseras_signing_key(database: Path, kid: str) -> RSAKey:
    """What only tessera holds: unsealed here from its database, to sign tokens with chosen claims."""
    with sqlite3.connect(database) as connection:
        (sealed,) = connection.execute("SELECT sealed_private_jwk FROM signing_keys WHERE kid = ?", (kid,)).fetchone()
    plain = jwe.decrypt_compact(sealed, key_encryption_key(KEK), algorithms=["dir", "A256GCM"]).plaintext
    return RSAKey.import_key(json.loads(plain or b"{}"))


def signed(claims: dict[str, Any], key: RSAKey, kid: str) -> str:
    return jws.serialize_compact({"alg": "RS256", "typ": "at+jwt", "kid": kid}, json.dumps(claims), key)


def test_the_downstream_example_accepts_tesseras_tokens_and_refuses_every_other(
    services: tuple[str, str, dict[str, str]], tmp_path: Path
) -> None:
    tessera_url, downstream_url, _ = services
    user = httpx.post(f"{tessera_url}/auth/register", json={"email": "ada@example.com", "password": PASSWORD}).json()
    token = log_in(tessera_url)

    answer = whoami(downstream_url, token)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"subject": user["id"], "roles": []}

    kid, claims = header_of(token)["kid"], payload_of(token)
    real_key = tesseras_signing_key(tmp_path / "tessera.db", kid)
    now = int(time.time())
    header, _, signature = token.split(".")
    tampered_claims = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "someone"}).encode()).decode()
    refused = {
        "tampered": f"{header}.{tampered_claims.rstrip('=')}.{signature}",
        "foreign key, same kid": signed(claims, RSAKey.generate_key(2048, private=True), kid),
        "foreign key, unknown kid": signed(claims, RSAKey.generate_key(2048, private=True), "not-a-tessera-kid"),
        "expired": signed({**claims, "iat": now - 1000, "exp": now - 100}, real_key, kid),
        "wrong audience": signed({**claims, "aud": "another-service"}, real_key, kid),
        "wrong issuer": signed({**claims, "iss": "https://evil.example"}, real_key, kid),
        "not an access token": jws.serialize_compact({"alg": "RS256", "kid": kid}, json.dumps(claims), real_key),
    }
    for name, forged in refused.items():
        response = whoami(downstream_url, forged)
        assert response.status_code == 401, name
        assert response.headers["www-authenticate"] == 'Bearer realm="downstream", error="invalid_token"', name
    assert whoami(downstream_url, signed(claims, real_key, kid)).status_code == 200  # the control: only the change


def test_after_an_immediate_rotation_the_example_accepts_tokens_of_the_new_key(
    services: tuple[str, str, dict[str, str]], tmp_path: Path
) -> None:
    """The example cached the JWKS for its max-age (300 s here): only the refetch on an unknown kid lets it
    accept a key that signs at once, at its very first token."""
    tessera_url, downstream_url, env = services
    httpx.post(f"{tessera_url}/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
    old = log_in(tessera_url)
    assert whoami(downstream_url, old).status_code == 200
    assert "max-age=300" in httpx.get(f"{tessera_url}/.well-known/jwks.json").headers["cache-control"]

    result = tessera("keys", "rotate", "--now", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    new_kid = result.stdout.split("new key ")[1].split()[0]
    deadline = time.monotonic() + 20
    while header_of(token := log_in(tessera_url))["kid"] != new_kid:  # each replica signs with it after a reload
        assert time.monotonic() < deadline, "tessera did not sign with the new key"
        time.sleep(0.2)

    assert whoami(downstream_url, token).status_code == 200  # its first token: an unknown kid refetches at once
    assert whoami(downstream_url, old).status_code == 200  # the old key is still published


def test_the_example_refuses_a_logged_out_sessions_token_within_two_seconds(
    services: tuple[str, str, dict[str, str]],
) -> None:
    tessera_url, downstream_url, _ = services
    httpx.post(f"{tessera_url}/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
    token, other = log_in(tessera_url), log_in(tessera_url)
    assert whoami(downstream_url, token).status_code == 200
    assert httpx.post(f"{tessera_url}/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    deadline = time.monotonic() + 2
    while whoami(downstream_url, token).status_code != 401:
        assert time.monotonic() < deadline, "the logout was not seen within 2 s"
        time.sleep(0.05)
    assert whoami(downstream_url, other).status_code == 200
