"""tessera-verifier in a FastAPI, a Litestar, a Flask and a Django app (tests/verifier/verifier_apps/), each its own
process against a real `tessera serve`: tokens verify, every attack the server refuses is refused, a logout
is refused within 2 s, a `keys rotate --now` key verifies at its first token, known keys keep verifying
while tessera is stopped for as long as the revocation feed may be stale, and then every token gets a 503
(the verifier fails closed: it cannot know what was revoked meanwhile)."""

import base64
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.support.forgery import AUDIENCE, ISSUER
from tests.support.http import PASSWORD
from tests.support.oauth import CLIENT, CLIENT_ID, CLIENT_SECRET
from tests.support.served import REPOSITORY, environment, running, serving, tessera, upgraded
from tests.verifier.attacks import forgeries
from tests.verifier.test_downstream_example import KEK, header_of, tesseras_signing_key

pytestmark = pytest.mark.served

APPS = {
    "fastapi": ["--factory", "tests.verifier.verifier_apps.fastapi_app:create_app"],
    "litestar": ["--factory", "tests.verifier.verifier_apps.litestar_app:create_app"],
    "flask": ["--interface", "wsgi", "tests.verifier.verifier_apps.flask_app:app"],
    "django": ["--interface", "wsgi", "tests.verifier.verifier_apps.django_app:application"],
}
DOCUMENTED = {
    **{name: APPS[name] for name in ("django", "flask")},
    "django-asgi": ["--interface", "asgi3", "tests.verifier.verifier_apps.django_app:asgi_application"],
}
"""The Django (+DRF) and Flask examples of docs/verifying-tokens.md, Django under WSGI and ASGI."""
CHALLENGE = 'Bearer realm="api", error="invalid_token"'
REVOCATION_BOUND = 2.0
"""Seconds from a logout's answer to its refusal downstream: the verifier polls every second."""
STALE_AFTER_POLLS = 8
"""The apps' staleness bound here, in one-second polls: long enough to see known keys verify once tessera
has stopped (the default, 2, would leave no time to look), short enough to wait for the 503s."""


@contextlib.contextmanager
def downstream(app: str, tessera_url: str, cwd: Path) -> Iterator[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPOSITORY),
        "TESSERA_URL": tessera_url,
        "TESSERA_ISSUER": ISSUER,
        "TESSERA_AUDIENCE": AUDIENCE,
        "TESSERA_CLIENT_ID": CLIENT_ID,
        "TESSERA_CLIENT_SECRET": CLIENT_SECRET,
        "TESSERA_STALE_AFTER_POLLS": str(STALE_AFTER_POLLS),
    }

    env["DJANGO_DATABASE"] = str(cwd / f"{app}.sqlite3")

    def command(port: int) -> list[str]:
        arguments = {**APPS, **DOCUMENTED}[app]
        return [sys.executable, "-m", "uvicorn", *arguments, "--host", "127.0.0.1", "--port", str(port)]

    with running(command, "/health", 200, env=env, cwd=cwd, log_path=cwd / f"{app}.log") as base:
        yield base


def log_in(tessera_url: str) -> str:
    answer = httpx.post(f"{tessera_url}/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def whoami(url: str, token: str) -> httpx.Response:
    return httpx.get(f"{url}/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def refused(answer: httpx.Response) -> bool:
    return answer.status_code == 401 and answer.headers.get("www-authenticate") == CHALLENGE


def unavailable(answer: httpx.Response) -> bool:
    """503 problem JSON with Retry-After and no challenge: the verifier cannot know the token's session."""
    return (
        answer.status_code == 503
        and answer.headers.get("retry-after") == "1"
        and answer.headers.get("content-type") == "application/problem+json"
        and "www-authenticate" not in answer.headers
        and answer.json()["status"] == 503
    )


@pytest.mark.parametrize("app", list(APPS))
def test_the_app_verifies_refuses_forgeries_sees_logouts_and_rotations_and_fails_closed_once_tessera_is_gone(
    app: str, tmp_path: Path
) -> None:
    env = environment(
        tmp_path,
        TESSERA_KEY_ENCRYPTION_KEY=KEK,
        TESSERA_KEY_RELOAD_SECONDS="1",
        TESSERA_ISSUER=ISSUER,
        TESSERA_AUDIENCE=AUDIENCE,
        TESSERA_OAUTH_CLIENTS=f"{CLIENT.client_id}:{CLIENT.secret_hash}",
    )
    upgraded(env, tmp_path)
    with contextlib.ExitStack() as tessera_process:
        tessera_url = tessera_process.enter_context(serving(env, tmp_path))
        with downstream(app, tessera_url, tmp_path) as url:
            user = httpx.post(f"{tessera_url}/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
            token = log_in(tessera_url)

            answer = whoami(url, token)
            assert answer.status_code == 200, answer.text
            assert answer.json()["sub"] == user.json()["id"]
            unauthenticated = httpx.get(f"{url}/whoami")
            assert (unauthenticated.status_code, unauthenticated.headers["www-authenticate"]) == (
                401,
                'Bearer realm="api"',
            )

            kid = header_of(token)["kid"]
            key = RSAKey.import_key(
                {**tesseras_signing_key(tmp_path / "tessera.db", kid).as_dict(private=True), "kid": kid}
            )
            attacks = forgeries(key, user.json()["id"], token)
            assert whoami(url, attacks.pop("control")).status_code == 200
            assert [name for name, forged in attacks.items() if not refused(whoami(url, forged))] == []

            logged_out = log_in(tessera_url)
            assert whoami(url, logged_out).status_code == 200
            assert httpx.post(
                f"{tessera_url}/auth/logout", headers={"Authorization": f"Bearer {logged_out}"}
            ).is_success
            deadline = time.monotonic() + REVOCATION_BOUND
            while not refused(whoami(url, logged_out)):
                assert time.monotonic() < deadline, "the logout was not seen downstream"
                time.sleep(0.05)
            assert whoami(url, token).status_code == 200  # only that session

            rotation = tessera("keys", "rotate", "--now", env=env, cwd=tmp_path)
            assert rotation.returncode == 0, rotation.stderr
            new_kid = rotation.stdout.split("new key ")[1].split()[0]
            reloaded = time.monotonic() + 20
            while header_of(rotated := log_in(tessera_url))["kid"] != new_kid:  # tessera reloads its keys each second
                assert time.monotonic() < reloaded, "tessera did not sign with the new key"
                time.sleep(0.2)
            assert whoami(url, rotated).status_code == 200  # its first token: no wait for the JWKS max-age

            unseen = log_in(tessera_url)
            tessera_process.close()
            stopped = time.monotonic()
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{tessera_url}/health")
            assert whoami(url, token).status_code == 200
            assert whoami(url, unseen).status_code == 200  # verified from the cached keys, never seen before
            assert refused(whoami(url, logged_out))
            assert time.monotonic() - stopped < STALE_AFTER_POLLS - 1, "too slow to have looked within the bound"

            while (answer := whoami(url, token)).status_code == 200:  # the feed goes stale: fail closed
                assert time.monotonic() - stopped < STALE_AFTER_POLLS + 5, "still accepted past the staleness bound"
                time.sleep(0.2)
            assert unavailable(answer), (answer.status_code, answer.headers, answer.text)
            assert unavailable(whoami(url, unseen))
            assert refused(whoami(url, logged_out))  # a known revocation is still a plain 401


def tampered(token: str) -> str:
    """The same token with one claim changed (roles widened) and the signature kept: a forgery."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize("app", list(DOCUMENTED))
def test_the_documented_django_and_flask_services_answer_each_credential_as_their_users_expect(
    app: str, tmp_path: Path
) -> None:
    """Bearer: the user, a bare challenge without a token, 401 for a forgery, a logout refused within 2 s, 403
    `insufficient_scope` for a missing role, a POST not stopped by Django's CSRF check. The access cookie: a
    GET on it alone, a POST refused without tessera's CSRF proof (and, in Django, without Django's token)."""
    env = environment(tmp_path, TESSERA_OAUTH_CLIENTS=f"{CLIENT.client_id}:{CLIENT.secret_hash}")
    env.update(TESSERA_ISSUER=ISSUER, TESSERA_AUDIENCE=AUDIENCE)
    upgraded(env, tmp_path)
    django = app.startswith("django")
    with serving(env, tmp_path) as tessera_url, downstream(app, tessera_url, tmp_path) as url:
        user = httpx.post(f"{tessera_url}/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
        token = log_in(tessera_url)
        bearer = {"Authorization": f"Bearer {token}"}

        answer = whoami(url, token)
        assert (answer.status_code, answer.json()["sub"]) == (200, user.json()["id"]), answer.text
        missing = httpx.get(f"{url}/whoami")
        assert (missing.status_code, missing.headers["www-authenticate"]) == (401, 'Bearer realm="api"')
        assert refused(whoami(url, tampered(token)))

        lacking = httpx.get(f"{url}/admin", headers=bearer)
        assert (lacking.status_code, lacking.headers["www-authenticate"]) == (
            403,
            'Bearer realm="api", error="insufficient_scope"',
        )
        assert tessera("users", "grant", "ada@example.com", "admin", env=env, cwd=tmp_path).returncode == 0
        admin_token = log_in(tessera_url)
        assert httpx.get(f"{url}/admin", headers={"Authorization": f"Bearer {admin_token}"}).status_code == 200

        posted = httpx.post(f"{url}/orders", headers=bearer)  # Django's CSRF middleware is on in the Django app
        assert (posted.status_code, posted.json()) == (201, {"created_for": user.json()["id"]}), posted.text

        cookie = {"Cookie": f"__Host-tessera-access={token}"}
        proof = {"X-Requested-With": "tessera", "Origin": url}
        assert httpx.get(f"{url}/whoami", headers=cookie).json()["sub"] == user.json()["id"]
        for headers in ({}, {"Origin": url}, {**proof, "Origin": "http://evil.example"}):
            unproven = httpx.post(f"{url}/orders", headers={**cookie, **headers})
            assert unproven.status_code == 403 and "www-authenticate" not in unproven.headers, unproven.text
        with httpx.Client(base_url=url) as browser_like:
            browser_like.get("/page")  # Django sets its csrftoken cookie here
            proven = browser_like.post("/orders", headers={**cookie, **proof})
            if django:  # the cookie is ambient: Django's own check still applies
                assert proven.status_code == 403 and b"CSRF" in proven.content
                django_token = {"X-CSRFToken": browser_like.cookies["csrftoken"]}
                cookie_with_both = {"Cookie": f"{cookie['Cookie']}; csrftoken={browser_like.cookies['csrftoken']}"}
                proven = httpx.post(f"{url}/orders", headers={**cookie_with_both, **proof, **django_token})
            assert (proven.status_code, proven.json()) == (201, {"created_for": user.json()["id"]}), proven.text

        if django:
            assert httpx.get(f"{url}/api/whoami", headers=bearer).json()["sub"] == user.json()["id"]
            assert httpx.post(f"{url}/api/orders", headers=bearer).status_code == 201
            drf_missing = httpx.get(f"{url}/api/whoami")
            assert (drf_missing.status_code, drf_missing.headers["www-authenticate"]) == (401, 'Bearer realm="api"')
            assert drf_missing.headers["content-type"] == "application/problem+json"  # the documented handler
            assert drf_missing.json()["status"] == 401
            assert refused(httpx.get(f"{url}/api/whoami", headers={"Authorization": f"Bearer {tampered(token)}"}))
            drf_lacking = httpx.get(f"{url}/api/admin", headers=bearer)
            assert drf_lacking.status_code == 403
            assert drf_lacking.headers["www-authenticate"] == 'Bearer realm="api", error="insufficient_scope"'
            assert httpx.post(f"{url}/api/orders", headers=cookie).status_code == 403
            assert httpx.get(f"{url}/async-whoami", headers=bearer).json()["sub"] == user.json()["id"]
            assert whoami(url, token).json()["user"] == user.json()["id"]  # not migrated: the token's own user
            migrated = tessera("users", "claims", "ada@example.com", '{"legacy_id": 1}', env=env, cwd=tmp_path)
            assert migrated.returncode == 0, migrated.stderr
            assert whoami(url, log_in(tessera_url)).json()["user"] == "ada-before-tessera"  # the Django user, pk 1

        assert httpx.post(f"{tessera_url}/auth/logout", headers=bearer).is_success
        deadline = time.monotonic() + REVOCATION_BOUND
        while not refused(whoami(url, token)):
            assert time.monotonic() < deadline, "the logout was not seen downstream"
            time.sleep(0.05)
        assert httpx.get(f"{url}/whoami", headers=cookie).status_code == 401  # the cookie's token: the same session
