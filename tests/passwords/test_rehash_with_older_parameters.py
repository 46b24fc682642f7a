"""A password hashed with other parameters than today's is rehashed by the next login that proves it."""

import pytest

from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio


async def test_a_password_hashed_with_older_parameters_is_rehashed_on_the_next_login(app):
    user_id = next(iter(app.store.tables.users))
    app.hasher.current_scheme = "plain2$"

    await app.log_in()

    assert app.store.tables.users[user_id].password_hash == "plain2$" + PASSWORD
    assert (await app.log_in()).access_token
