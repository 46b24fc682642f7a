"""Services that know only tessera's issuer, each a real process against a real `tessera serve` whose
TESSERA_ISSUER is its own URL: tessera's RFC 8414 metadata names the key set and the revocation feed. The
FastAPI example (tests/verifier/verifier_apps/fastapi_app.py: `Verifier.discover` and the security dependencies)
and the Node example of docs/verifying-tokens.md (docs/examples/node_service.mjs, `jose` from npm as pinned
by tests/api/node_service/package-lock.json) each answer a genuine token 200 with its user, no token 401 with a
bare challenge, every forgery of the catalogue 401, a logged-out session's token 401 within 2 s, and a token
without the role 403 insufficient_scope."""

import contextlib
import hashlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.support.forgery import AUDIENCE
from tests.support.http import PASSWORD
from tests.support.oauth import CLIENT, CLIENT_ID, CLIENT_SECRET
from tests.support.ports import listening, on_a_free_port
from tests.support.served import REPOSITORY, TESSERA, environment, running, stop, tessera, upgraded
from tests.verifier.attacks import forgeries
from tests.verifier.test_downstream_example import KEK, header_of, tesseras_signing_key

pytestmark = pytest.mark.served

EXAMPLE = REPOSITORY / "docs" / "examples" / "node_service.mjs"
PACKAGE = REPOSITORY / "tests" / "api" / "node_service"
BARE, INVALID = 'Bearer realm="api"', 'Bearer realm="api", error="invalid_token"'
REVOCATION_BOUND = 2.0
EMAIL = "ada@example.com"


@contextlib.contextmanager
def tessera_at_its_issuer(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`tessera serve` whose TESSERA_ISSUER is the very URL it is served at (the port is known only when
    picked, hence `env` on the command line); its URL and environment."""
    env = environment(
        tmp_path,
        TESSERA_KEY_ENCRYPTION_KEY=KEK,
        TESSERA_AUDIENCE=AUDIENCE,
        TESSERA_OAUTH_CLIENTS=f"{CLIENT.client_id}:{CLIENT.secret_hash}",
    )
    upgraded(env, tmp_path)

    def command(port: int) -> list[str]:
        issuer = f"TESSERA_ISSUER=http://127.0.0.1:{port}"
        return ["/usr/bin/env", issuer, *TESSERA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]

    with running(command, "/health", 200, env=env, cwd=tmp_path, log_path=tmp_path / "tessera.log") as url:
        yield url, {**env, "TESSERA_ISSUER": url}


def service_environment(issuer: str) -> dict[str, str]:
    """Only the issuer, the audience and the trusted client: no URL of tessera's."""
    return {
        "PATH": "/usr/bin:/bin",
        "TESSERA_ISSUER": issuer,
        "TESSERA_AUDIENCE": AUDIENCE,
        "TESSERA_CLIENT_ID": CLIENT_ID,
        "TESSERA_CLIENT_SECRET": CLIENT_SECRET,
    }


@contextlib.contextmanager
def fastapi_service(issuer: str, cwd: Path) -> Iterator[str]:
    env = {**service_environment(issuer), "PYTHONPATH": str(REPOSITORY)}
    app = "tests.verifier.verifier_apps.fastapi_app:create_app"

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "--factory", app, "--host", "127.0.0.1", "--port", str(port)]

    with running(command, "/health", 200, env=env, cwd=cwd, log_path=cwd / "fastapi.log") as url:
        yield url


@pytest.fixture(scope="module")
def node_package(request: pytest.FixtureRequest) -> Path:
    """A folder holding `jose` as package-lock.json pins it, installed by the machine's npm (`npm ci`) into
    pytest's cache, once per lock file; the example is copied next to its node_modules at each use."""
    npm, node = shutil.which("npm"), shutil.which("node")
    assert npm and node, "the Node example needs node and npm on the PATH"
    manifest, lock = (PACKAGE / "package.json").read_bytes(), (PACKAGE / "package-lock.json").read_bytes()
    cache = Path(request.config.cache.mkdir("node-service"))
    folder = cache / hashlib.sha256(manifest + lock).hexdigest()[:16]
    if not (folder / "node_modules" / "jose" / "package.json").is_file():
        folder.mkdir(exist_ok=True)
        (folder / "package.json").write_bytes(manifest)
        (folder / "package-lock.json").write_bytes(lock)
        installed = subprocess.run(
            [npm, "ci", "--cache", str(cache / "npm"), "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=100,  # within the test's own 120 s
            check=False,
        )
        assert installed.returncode == 0, installed.stdout + installed.stderr
    return folder


@contextlib.contextmanager
def node_service(package: Path, issuer: str, cwd: Path, **settings: str) -> Iterator[str]:
    example = package / EXAMPLE.name
    shutil.copyfile(EXAMPLE, example)  # next to node_modules, where `import "jose"` resolves
    node = shutil.which("node") or "node"
    log_path = cwd / "node.log"

    def start(port: int) -> tuple[subprocess.Popen[bytes], int]:
        env = {**service_environment(issuer), "PORT": str(port), **settings}
        with log_path.open("w") as log:
            process = subprocess.Popen([node, str(example)], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        try:
            listening(process, log_path, f"listening on http://127.0.0.1:{port}\n")
        except BaseException:
            stop(process)
            raise
        return process, port

    process, port = on_a_free_port(start)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def log_in(tessera_url: str) -> str:
    answer = httpx.post(f"{tessera_url}/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def get(url: str, token: str | None = None) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return httpx.get(url, headers=headers, timeout=10)


def refused(answer: httpx.Response, challenge: str = INVALID, status: int = 401) -> bool:
    return (
        answer.status_code == status
        and answer.headers.get("www-authenticate") == challenge
        and answer.headers.get("content-type") == "application/problem+json"
        and answer.json()["status"] == status
    )


def assert_the_service_guards_its_routes_as_tessera_would(
    service: str, tessera_url: str, env: dict[str, str], cwd: Path
) -> None:
    """The checks every example passes: genuine, none, forged, logged out, lacking a role."""
    user = httpx.post(f"{tessera_url}/auth/register", json={"email": EMAIL, "password": PASSWORD}).json()["id"]
    token = log_in(tessera_url)

    answer = get(f"{service}/whoami", token)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["sub"], answer.json()["roles"]) == (user, [])
    assert refused(get(f"{service}/whoami"), BARE)

    kid = header_of(token)["kid"]
    key = RSAKey.import_key({**tesseras_signing_key(cwd / "tessera.db", kid).as_dict(private=True), "kid": kid})
    attacks = forgeries(key, user, token, issuer=env["TESSERA_ISSUER"])
    assert get(f"{service}/whoami", attacks.pop("control")).status_code == 200
    assert [name for name, forged in attacks.items() if not refused(get(f"{service}/whoami", forged))] == []

    assert refused(get(f"{service}/admin", token), 'Bearer realm="api", error="insufficient_scope"', 403)
    granted = tessera("users", "grant", EMAIL, "admin", env=env, cwd=cwd)
    assert granted.returncode == 0, granted.stderr
    admin = log_in(tessera_url)
    assert get(f"{service}/admin", admin).status_code == 200

    assert httpx.post(f"{tessera_url}/auth/logout", headers={"Authorization": f"Bearer {admin}"}).is_success
    deadline = time.monotonic() + REVOCATION_BOUND
    while not refused(get(f"{service}/whoami", admin)):
        assert time.monotonic() < deadline, "the logout was not seen downstream within 2 s"
        time.sleep(0.05)
    assert get(f"{service}/whoami", token).status_code == 200  # only that session


def test_the_node_example_in_the_guide_is_the_file_the_tests_run() -> None:
    guide = (REPOSITORY / "docs" / "verifying-tokens.md").read_text()
    block = guide.split("## 8. ")[1].split("```js\n")[1].split("```\n")[0]
    assert block == EXAMPLE.read_text()
    assert '"jose": "6.2.17"' in (PACKAGE / "package.json").read_text() and "jose@6.2.17" in guide


def test_tessera_serves_metadata_naming_its_issuer_and_its_reachable_key_set(tmp_path: Path) -> None:
    with tessera_at_its_issuer(tmp_path) as (url, _):
        metadata = httpx.get(f"{url}/.well-known/oauth-authorization-server")
        assert metadata.status_code == 200
        assert metadata.json()["issuer"] == url
        assert metadata.headers["cache-control"].startswith("public, max-age=")
        keys = httpx.get(metadata.json()["jwks_uri"]).json()["keys"]
        assert [key["alg"] for key in keys] == metadata.json()["access_token_signing_alg_values_supported"]
        feed = httpx.get(metadata.json()["revocation_feed_endpoint"], auth=(CLIENT_ID, CLIENT_SECRET))
        assert feed.status_code == 200


def test_the_fastapi_example_started_from_the_issuer_alone_guards_its_routes(tmp_path: Path) -> None:
    with tessera_at_its_issuer(tmp_path) as (tessera_url, env), fastapi_service(tessera_url, tmp_path) as service:
        assert_the_service_guards_its_routes_as_tessera_would(service, tessera_url, env, tmp_path)
        assert get(f"{service}/greeting").json() == {"hello": "stranger"}
        assert refused(get(f"{service}/greeting", "not-a-token"))
        document = get(f"{service}/openapi.json").json()
        assert document["components"]["securitySchemes"]["TesseraBearer"]["scheme"] == "bearer"
        assert document["paths"]["/whoami"]["get"]["security"] == [{"TesseraBearer": []}]
        assert {"401", "403", "503"} <= set(document["paths"]["/admin"]["get"]["responses"])
        assert get(f"{service}/docs").status_code == 200


def test_the_node_example_finds_the_key_set_in_the_metadata_and_guards_its_routes(
    tmp_path: Path, node_package: Path
) -> None:
    with contextlib.ExitStack() as tessera_process:
        tessera_url, env = tessera_process.enter_context(tessera_at_its_issuer(tmp_path))
        with node_service(node_package, tessera_url, tmp_path, TESSERA_FEED_LIMIT="2") as service:
            assert_the_service_guards_its_routes_as_tessera_would(service, tessera_url, env, tmp_path)
            token = log_in(tessera_url)

            sessions = [log_in(tessera_url) for _ in range(5)]  # five revocations: three pages of two
            for ended in sessions:
                assert httpx.post(f"{tessera_url}/auth/logout", headers={"Authorization": f"Bearer {ended}"}).is_success
            deadline = time.monotonic() + REVOCATION_BOUND
            while not all(refused(get(f"{service}/whoami", ended)) for ended in sessions):
                assert time.monotonic() < deadline, "a page of the feed was not read within 2 s"
                time.sleep(0.05)
            assert get(f"{service}/whoami", token).status_code == 200

            tessera_process.close()  # the feed goes stale: the example refuses rather than miss a logout
            stopped = time.monotonic()
            while (answer := get(f"{service}/whoami", token)).status_code == 200:
                assert time.monotonic() - stopped < REVOCATION_BOUND + 3, "still accepted past the staleness bound"
                time.sleep(0.1)
            assert (answer.status_code, answer.headers.get("retry-after")) == (503, "1"), answer.text
            assert "www-authenticate" not in answer.headers


def test_the_node_example_refuses_metadata_naming_another_issuer(tmp_path: Path, node_package: Path) -> None:
    with tessera_at_its_issuer(tmp_path) as (tessera_url, _):
        example = node_package / EXAMPLE.name
        shutil.copyfile(EXAMPLE, example)
        env = {**service_environment(f"{tessera_url}/"), "PORT": "1"}  # one slash more: another issuer
        started = subprocess.run(
            [shutil.which("node") or "node", str(example)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert started.returncode != 0
    assert f"the metadata is for {tessera_url}, not {tessera_url}/" in started.stderr
