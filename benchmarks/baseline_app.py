"""What a user would otherwise pick: one Litestar app in four shapes, served like `tessera serve`.

`python -m benchmarks.baseline_app VARIANT PORT [REDIS_URL] [--workers N]`, VARIANT one of:

- `bare`: `GET /ping`, no authentication at all, also answering at tessera's `/api/user/session` and
  `/api/user/profile` so that it can be sent exactly the requests tessera is sent (it ignores their
  `Authorization` header);
- `jwt`: the same route behind Litestar's built-in `JWTAuth` (PyJWT, its default HS256);
- `redis`: behind `SessionAuth` on a `ServerSideSessionConfig` stored in Redis;
- `memory`: the same on Litestar's in-memory store (the RSS baseline).

`POST /login` opens a session (session variants) or answers a token (`jwt`); `POST /seed?n=&sample=`
writes `n` sessions straight into the store and answers `sample` of their ids (no HTTP logins).
"""

import argparse
import os
import secrets
import uuid
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar, Request, get, post
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.security.jwt import JWTAuth, Token
from litestar.security.session_auth import SessionAuth
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

JWT_SECRET = secrets.token_hex(32)
SESSION_SECONDS = 3600


@get("/ping", sync_to_thread=False)
def ping() -> dict[str, str]:
    return {"status": "ok"}


@get(["/ping", "/api/user/session", "/api/user/profile"], sync_to_thread=False)
def bare_ping() -> dict[str, str]:
    return {"status": "ok"}


def _user(payload: Any, _: ASGIConnection[Any, Any, Any, Any]) -> dict[str, str] | None:
    if isinstance(payload, Token):
        return {"id": payload.sub}
    return {"id": payload["user_id"]} if isinstance(payload, dict) and "user_id" in payload else None


def build(variant: str, redis_url: str | None = None) -> Litestar:
    if variant == "bare":
        return Litestar([bare_ping], debug=False)
    if variant == "jwt":
        auth = JWTAuth[dict[str, str]](token_secret=JWT_SECRET, retrieve_user_handler=_user, exclude=["/login"])

        @post("/login", sync_to_thread=False)
        def jwt_login() -> dict[str, str]:
            return {"access_token": auth.create_token(identifier=str(uuid.uuid4()))}

        return Litestar([ping, jwt_login], on_app_init=[auth.on_app_init], debug=False)
    store: Store
    if variant == "redis":
        from litestar.stores.redis import RedisStore

        store = RedisStore.with_client(url=redis_url or "redis://127.0.0.1:6379")
    else:
        store = MemoryStore()
    session_auth = SessionAuth[dict[str, str], Any](
        session_backend_config=ServerSideSessionConfig(max_age=SESSION_SECONDS),
        retrieve_user_handler=_user,
        exclude=["/login", "/seed"],
    )

    @post("/login", sync_to_thread=False)
    def session_login(request: Request[Any, Any, Any]) -> None:
        request.set_session({"user_id": str(uuid.uuid4())})

    @post("/seed")
    async def seed(n: int, sample: int = 0) -> list[str]:
        ids = []
        for i in range(n):
            session_id = secrets.token_hex(16)
            await store.set(session_id, msgspec.json.encode({"user_id": str(uuid.uuid4())}), SESSION_SECONDS)
            if i < sample:
                ids.append(session_id)
        return ids

    return Litestar(
        [ping, session_login, seed], stores={"sessions": store}, on_app_init=[session_auth.on_app_init], debug=False
    )


def from_environment() -> Litestar:
    """The app factory each uvicorn worker calls: the variant comes from the parent's environment."""
    return build(os.environ["TESSERA_BENCH_VARIANT"], os.environ.get("TESSERA_BENCH_REDIS_URL"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="benchmarks.baseline_app")
    parser.add_argument("variant", choices=("bare", "jwt", "redis", "memory"))
    parser.add_argument("port", type=int)
    parser.add_argument("redis_url", nargs="?")
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args()
    os.environ["TESSERA_BENCH_VARIANT"] = args.variant
    if args.redis_url:
        os.environ["TESSERA_BENCH_REDIS_URL"] = args.redis_url
    # The same server and settings as `tessera serve` (entrypoints/cli/main.py); an app named by import
    # path (a factory) whatever the worker count, since uvicorn needs one to start several workers.
    uvicorn.run(
        "benchmarks.baseline_app:from_environment",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="info",
        server_header=False,
        proxy_headers=False,
        # uvicorn kills a worker that has not answered its supervisor's ping within this (5 s by default);
        # a worker answers only once it has imported its parent's main module again, which on a machine
        # shared with other work can take longer. It costs nothing while the workers serve.
        timeout_worker_healthcheck=60,
    )
