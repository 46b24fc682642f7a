"""The application being migrated, as Litestar apps build it: `ServerSideSessionConfig` on a store
(Litestar's RedisStore or FileStore), a login route that checks a password against a tiny user
table and puts the user's id and email in `request.session`, a page that needs the session, and
a logout that clears it."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from litestar import Litestar, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.params import JSONBody
from litestar.stores.base import Store

LegacyRequest = Request[Any, Any, Any]


@dataclass(frozen=True)
class LegacyUser:
    id: str
    email: str
    salt: bytes
    password_hash: bytes

    @classmethod
    def with_password(cls, user_id: str, email: str, password: str) -> "LegacyUser":
        salt = secrets.token_bytes(16)
        return cls(user_id, email, salt, _hash(password, salt))

    def checks(self, password: str) -> bool:
        return hmac.compare_digest(self.password_hash, _hash(password, self.salt))


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)


@dataclass
class LoginForm:
    email: str
    password: str


def legacy_app(store: Store, users: list[LegacyUser]) -> Litestar:
    table = {user.email: user for user in users}

    @post("/login", status_code=200)
    async def login(request: LegacyRequest, data: JSONBody[LoginForm]) -> dict[str, str]:
        user = table.get(data.email)
        if user is None or not user.checks(data.password):
            raise NotAuthorizedException("wrong email or password")
        request.set_session({"user_id": user.id, "email": user.email, "flash": ["Welcome back"]})
        return {"user_id": user.id}

    @get("/me")
    async def me(request: LegacyRequest) -> dict[str, str]:
        if "user_id" not in request.session:
            raise NotAuthorizedException("not logged in")
        return {"user_id": request.session["user_id"], "email": request.session["email"]}

    @post("/logout", status_code=204)
    async def logout(request: LegacyRequest) -> None:
        request.clear_session()

    return Litestar(
        [login, me, logout],
        stores={"sessions": store},
        middleware=[ServerSideSessionConfig().middleware],
        debug=False,
    )
