"""A full run of a live `tessera serve` (and the `tessera` commands beside it), with all of its output
captured: no secret appears anywhere in it, and every audit event names who, which session and from where.

To cover another flow, write a function of `Run` below that uses the service, records every secret it
handles in `run.secrets` and the events it expects with `run.expect(...)`, and add it to `FLOWS`.
"""

import base64
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.oauth import CLIENT, CLIENT_ID, CLIENT_SECRET, basic
from tests.support.secrets_scan import Secrets, audit_events
from tests.support.served import environment, serving, tessera, upgraded

pytestmark = [pytest.mark.app, pytest.mark.served]

PASSWORD = "audit-run password 7f3a9c"
WRONG_PASSWORD = "audit-run wrong password 11d2"
LOOPBACK = "127.0.0.1"


@dataclass
class Run:
    http: httpx.Client
    env: dict[str, str]
    cwd: Path
    secrets: Secrets
    command_output: list[str] = field(default_factory=list)
    expected: list[dict[str, Any]] = field(default_factory=list)
    user_id: str = ""

    def expect(self, event: str, **fields: Any) -> None:
        """An audit event that must appear with at least these fields."""
        self.expected.append({"event": event, **fields})

    def log_in(self) -> tuple[dict[str, str], str]:
        """A new session: its tokens (recorded as secrets) and its id."""
        tokens = self.http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        self.secrets.access_token(tokens["access_token"])
        self.secrets.refresh_token(tokens["refresh_token"])
        session = self.http.get("/api/user/session", headers=_bearer(tokens)).json()["session_id"]
        self.expect("login_succeeded", user_id=self.user_id, session_id=session, client_address=LOOPBACK)
        return tokens, session

    def tessera(self, *args: str) -> None:
        result = tessera(*args, env=self.env, cwd=self.cwd)
        assert result.returncode == 0, result.stderr
        self.command_output.append(result.stdout + result.stderr)


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def register_and_fail_a_login(run: Run) -> None:
    run.secrets.password(PASSWORD)
    run.secrets.password(WRONG_PASSWORD)
    response = run.http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
    run.user_id = response.json()["id"]
    wrong = {"email": "ada@example.com", "password": WRONG_PASSWORD}
    assert run.http.post("/auth/login", json=wrong).status_code == 401
    run.expect("login_failed", user_id=run.user_id, client_address=LOOPBACK)


def refresh_then_reuse_a_spent_refresh_token(run: Run) -> None:
    tokens, session = run.log_in()
    rotated = run.http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
    run.secrets.access_token(rotated["access_token"])
    run.secrets.refresh_token(rotated["refresh_token"])
    run.expect("refreshed", user_id=run.user_id, session_id=session, client_address=LOOPBACK, detail="rotate")
    # A spent token outside the grace window: the grace is set to 0 for this run.
    assert run.http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    run.expect("refresh_token_reused", user_id=run.user_id, session_id=session, client_address=LOOPBACK)


def log_out_then_log_out_everywhere(run: Run) -> None:
    tokens, session = run.log_in()
    assert run.http.post("/auth/logout", headers=_bearer(tokens)).status_code == 204
    run.expect("logged_out", user_id=run.user_id, session_id=session, client_address=LOOPBACK)
    tokens, session = run.log_in()
    run.log_in()
    assert run.http.post("/auth/logout-all", headers=_bearer(tokens)).status_code == 204
    run.expect("logged_out_everywhere", user_id=run.user_id, session_id=session, client_address=LOOPBACK)


def rotate_the_signing_key_from_the_command_line(run: Run) -> None:
    run.tessera("keys", "rotate", "--now")
    kid = run.command_output[-1].split("new key ")[1].split()[0]
    run.expect("signing_key_rotated", detail=kid)


def introspect_and_revoke_as_a_trusted_client(run: Run) -> None:
    run.secrets.client_secret(CLIENT_SECRET)
    tokens, session = run.log_in()
    client = f"client={CLIENT_ID}"
    for token in (tokens["access_token"], tokens["refresh_token"]):
        answer = run.http.post("/oauth/introspect", data={"token": token}, headers=basic())
        assert answer.json()["active"] is True
    run.expect(
        "token_introspected",
        user_id=run.user_id,
        session_id=session,
        client_address=LOOPBACK,
        detail=f"{client} active=true",
    )
    assert run.http.post("/oauth/revoke", data={"token": tokens["refresh_token"]}, headers=basic()).status_code == 200
    run.expect(
        "token_revoked", user_id=run.user_id, session_id=session, client_address=LOOPBACK, detail=f"{client} found=true"
    )
    wrong = basic(CLIENT_ID, CLIENT_SECRET[::-1])
    run.secrets.client_secret(CLIENT_SECRET[::-1])
    assert run.http.post("/oauth/introspect", data={"token": tokens["access_token"]}, headers=wrong).status_code == 401
    run.expect("client_refused", client_address=LOOPBACK)


def end_a_device_then_administer_another_user(run: Run) -> None:
    tokens, _ = run.log_in()
    _, other_device = run.log_in()
    assert run.http.delete(f"/auth/sessions/{other_device}", headers=_bearer(tokens)).status_code == 204
    run.expect("session_ended", user_id=run.user_id, session_id=other_device, client_address=LOOPBACK, detail="self")
    run.tessera("users", "grant", "ada@example.com", "admin")
    run.expect("role_granted", user_id=run.user_id, detail="admin by operator")
    admin, _ = run.log_in()
    bob_password = "audit-run bob password 5e81"
    run.secrets.password(bob_password)
    bob = run.http.post("/auth/register", json={"email": "bob@example.com", "password": bob_password}).json()["id"]
    bob_tokens = run.http.post("/auth/login", json={"email": "bob@example.com", "password": bob_password}).json()
    run.secrets.access_token(bob_tokens["access_token"])
    run.secrets.refresh_token(bob_tokens["refresh_token"])
    bob_session = run.http.get("/api/user/session", headers=_bearer(bob_tokens)).json()["session_id"]
    assert run.http.post(f"/admin/users/{bob}/disable", headers=_bearer(admin)).status_code == 200
    by_admin = f"admin:{run.user_id}"
    run.expect("user_disabled", user_id=bob, client_address=LOOPBACK, detail=by_admin)
    run.expect("session_ended", user_id=bob, session_id=bob_session, client_address=LOOPBACK, detail=by_admin)
    assert run.http.post(f"/admin/users/{bob}/enable", headers=_bearer(admin)).status_code == 200
    run.expect("user_enabled", user_id=bob, client_address=LOOPBACK, detail=by_admin)
    run.tessera("users", "revoke-role", "ada@example.com", "admin")
    run.expect("role_revoked", user_id=run.user_id, detail="admin by operator")


FLOWS: list[Callable[[Run], None]] = [
    register_and_fail_a_login,
    refresh_then_reuse_a_spent_refresh_token,
    log_out_then_log_out_everywhere,
    rotate_the_signing_key_from_the_command_line,
    introspect_and_revoke_as_a_trusted_client,
    end_a_device_then_administer_another_user,
]


def test_a_full_run_logs_every_audit_event_with_its_fields_and_no_secret(tmp_path: Path) -> None:
    key_encryption_key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = environment(
        tmp_path,
        TESSERA_KEY_ENCRYPTION_KEY=key_encryption_key,
        TESSERA_KEY_RELOAD_SECONDS="1",
        TESSERA_REFRESH_GRACE_SECONDS="0",
        TESSERA_OAUTH_CLIENTS=f"{CLIENT.client_id}:{CLIENT.secret_hash}",
    )
    upgraded(env, tmp_path)
    log_path = tmp_path / "tessera-serve.log"
    with serving(env, tmp_path, log_path) as base, httpx.Client(base_url=base, timeout=10) as http:
        run = Run(http, env, tmp_path, Secrets())
        run.secrets.add(key_encryption_key, "the key-encryption key")
        for flow in FLOWS:
            flow(run)
    output = "\n".join([log_path.read_text(), *run.command_output])

    assert len(run.secrets) >= 20  # passwords, tokens, signatures, hashes, client secrets: the scan had work
    assert run.secrets.leaks(output) == []
    events = audit_events(output)
    missing = [e for e in run.expected if not any(e.items() <= logged.items() for logged in events)]
    assert missing == [], f"not logged: {missing}\nlogged: {events}"


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scan itself: a secret or a marker in the text is named, nothing else is."""
    found = Secrets()
    found.refresh_token("a-refresh-token")
    found.access_token("header.payload.signature-part")
    text = 'ok signature-part ok {"d": "x"} ' + subprocess.list2cmdline(["$argon2id$v=19"])

    assert set(found.leaks(text)) == {
        "an access token's signature (signature-pa…)",
        "a private JWK member",
        "an argon2 hash",
    }
    assert found.leaks("nothing here") == []
