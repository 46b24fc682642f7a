"""TESSERA_CUSTOM_CLAIM_NAMES at the edges: a refused claim name is a 400 problem naming it over HTTP and
one line at the command line, a reserved name in the list stops the configuration, `tessera config` shows it."""

import io
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.cli.main import main
from entrypoints.http.app import create_app
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env
from tests.support.cookies import assert_problem
from tests.support.flows import bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests
from tests.users.test_admin import _admin

pytestmark = pytest.mark.app


@pytest.mark.anyio
async def test_an_admin_setting_a_claim_outside_the_list_gets_a_400_naming_it_and_nothing_changes(
    tmp_path: Path,
) -> None:
    settings = settings_for_tests("memory://", tmp_path, custom_claim_names=("tenant", "plan"))
    async with AsyncTestClient(create_app(settings)) as client:
        admin = await _admin(client)
        ada = await register(client)
        claims = {"tenant": "acme", "email_verified": True, "permissions": ["*"]}

        answer = await client.put(f"/admin/users/{ada['id']}/claims", json=claims, headers=bearer(admin))

        assert_problem(answer, 400, "claim-not-allowed")
        assert (
            answer.json()["detail"] == "These claim names are not allowed on this server: email_verified, permissions."
        )
        listed = (await client.get("/admin/users", headers=bearer(admin))).json()["users"]
        assert [user["claims"] for user in listed if user["id"] == ada["id"]] == [{}]
        allowed = await client.put(f"/admin/users/{ada['id']}/claims", json={"plan": "pro"}, headers=bearer(admin))
        assert allowed.status_code == 200, allowed.text
        profile = await client.get("/api/user/profile", headers=bearer(await log_in(client)))
        assert profile.json()["claims"] == {"plan": "pro"}


def test_the_cli_refuses_a_claim_outside_the_list_in_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TESSERA_CUSTOM_CLAIM_NAMES", "tenant")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "create", "ada@example.com"]) == 0
    capsys.readouterr()

    assert main(["users", "claims", "ada@example.com", '{"tenant": "acme", "scp": "admin"}']) == 1

    out, err = capsys.readouterr()
    assert (out, err) == ("", "tessera: These claim names are not allowed on this server: scp.\n")
    assert main(["users", "claims", "ada@example.com", '{"tenant": "acme"}']) == 0
    assert capsys.readouterr().out == 'tessera: ada@example.com has claims: {"tenant":"acme"}\n'


def test_the_list_is_read_shown_by_tessera_config_and_may_not_name_a_reserved_claim(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert settings_from_env({"TESSERA_CUSTOM_CLAIM_NAMES": " tenant, plan ,tenant"}).custom_claim_names == (
        "tenant",
        "plan",
    )
    with pytest.raises(ConfigError) as refused:
        settings_from_env({"TESSERA_CUSTOM_CLAIM_NAMES": "tenant,sub,roles"})
    assert str(refused.value) == (
        "TESSERA_CUSTOM_CLAIM_NAMES: names reserved claims, which no user may have: roles, sub"
    )

    monkeypatch.setenv("TESSERA_CUSTOM_CLAIM_NAMES", "tenant,plan")
    assert main(["config"]) == 0
    assert "custom_claim_names = tenant,plan\n" in capsys.readouterr().out
