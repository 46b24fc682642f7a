"""TESSERA_CUSTOM_CLAIM_NAMES through the real composition root on the in-memory store: names outside the
list are refused when set or imported, and claims stored before the list are kept but never issued."""

import base64
import json
import uuid
from dataclasses import replace
from typing import Any

import pytest

from application.actors import OPERATOR
from application.use_cases.get_profile import GetProfile
from application.use_cases.import_users import ImportOptions, ImportUsers
from application.use_cases.register_user import Registration
from application.use_cases.set_user_claims import SetUserClaims
from domain.custom_claims import CustomClaims
from domain.errors import ClaimNameNotAllowed
from domain.users import Email
from tests.support.fakes import UNSIGNED_PREFIX
from tests.support.in_memory_tessera import PASSWORD, SETTINGS, Tessera

pytestmark = pytest.mark.anyio
ADA = Email.parse("ada@example.com")
LISTED = replace(SETTINGS, custom_claim_names=("tenant", "plan"))


def _payload(access_token: str) -> dict[str, Any]:
    """What the fake signer put in the token (the claims as base64 JSON behind its marker)."""
    return dict(json.loads(base64.urlsafe_b64decode(access_token.removeprefix(UNSIGNED_PREFIX))))


async def _listed(store: Any = None) -> Tessera:
    app = await Tessera.start(store, None, settings=LISTED)
    if store is None:
        await app.register(Registration("ada@example.com", PASSWORD, "Ada"))
    return app


async def test_a_claim_name_outside_the_list_is_refused_by_name_and_nothing_is_stored() -> None:
    app = await _listed()
    ada = next(iter(app.store.tables.users))

    with pytest.raises(ClaimNameNotAllowed) as refused:
        await app.run(SetUserClaims, ADA, {"tenant": "acme", "email_verified": True, "scp": "admin"}, OPERATOR)

    assert refused.value.message == "These claim names are not allowed on this server: email_verified, scp."
    assert not app.store.tables.users[ada].claims
    summary = await app.run(SetUserClaims, ADA, {"tenant": "acme", "plan": "pro"}, OPERATOR)
    assert app.store.tables.users[ada].claims == summary.claims == CustomClaims.parse({"tenant": "acme", "plan": "pro"})


async def test_claims_stored_before_the_list_stay_stored_but_no_token_or_profile_carries_them(app: Tessera) -> None:
    await app.run(SetUserClaims, ADA, {"tenant": "acme", "permissions": ["*"]}, OPERATOR)
    listed = await _listed(app.store)  # the same storage, restarted with the list

    tokens = await listed.log_in()
    payload = _payload(tokens.access_token)
    profile = await listed.run(GetProfile, listed.verify(tokens.access_token))

    assert payload["tenant"] == "acme" and "permissions" not in payload
    assert profile.claims == CustomClaims.parse({"tenant": "acme"})
    stored = next(iter(listed.store.tables.users.values())).claims
    assert stored == CustomClaims.parse({"tenant": "acme", "permissions": ["*"]})
    refreshed = _payload((await listed.refresh(tokens.refresh_token)).access_token)
    assert "permissions" not in refreshed and refreshed["tenant"] == "acme"


async def test_an_import_line_with_a_claim_name_outside_the_list_is_refused_and_not_stored() -> None:
    app = await _listed()
    lines = [
        json.dumps({"id": str(uuid.uuid4()), "email": "bo@example.com", "claims": {"email_verified": True}}),
        json.dumps({"id": str(uuid.uuid4()), "email": "cy@example.com", "claims": {"tenant": "acme"}}),
    ]

    report = await (await app.container.get(ImportUsers)).execute(lines, ImportOptions())

    assert report.created == 1
    assert [(r.line, r.reason) for r in report.refused] == [
        (1, "These claim names are not allowed on this server: email_verified.")
    ]
    assert sorted(str(user.email) for user in app.store.tables.users.values()) == ["ada@example.com", "cy@example.com"]
