"""Login and registration hash with one and the same hasher, so TESSERA_ARGON2_CONCURRENCY bounds both
together: a storm of registrations cannot add hashing threads beyond the limit that logins obey."""

import pytest

from application.ports.password_hasher import PasswordHasher
from application.use_cases.log_in import LogIn
from application.use_cases.register_user import RegisterUser

pytestmark = pytest.mark.anyio


async def test_registration_and_login_share_the_one_bounded_hasher(app) -> None:  # type: ignore[no-untyped-def]
    shared = await app.container.get(PasswordHasher)
    async with app.container() as first, app.container() as second:
        register = await first.get(RegisterUser)
        log_in = await second.get(LogIn)

    assert register._hasher is shared
    assert log_in._hasher is shared
