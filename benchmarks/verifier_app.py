"""A Litestar app whose token route is protected by tessera-verifier, beside an unauthenticated route of
the same app: the row *tessera-verifier, 20,000 live tokens* against *its app, unauthenticated route*.

`python -m benchmarks.verifier_app TESSERA_URL PORT --workers N`, a trusted client of that tessera in
`TESSERA_BENCH_CLIENT_ID` / `TESSERA_BENCH_CLIENT_SECRET` (the revocation feed is read every second, as
in production). `GET /open` and `GET /ping` answer without authentication (the middleware lets them
through by its `exclude`); `GET /api/user/session` needs a token and answers its user, session and roles.
"""

import argparse
import os
from typing import Any

import uvicorn
from litestar import Litestar, Request, get
from litestar.middleware.base import DefineMiddleware
from tessera_verifier import Verifier
from tessera_verifier.asgi import TesseraMiddleware

from benchmarks.tessera_setup import ISSUER

AUDIENCE = "tessera"


@get(["/ping", "/open"], sync_to_thread=False)
def open_route() -> dict[str, str]:
    return {"status": "ok"}


@get("/api/user/session", sync_to_thread=False)
def session(request: Request[Any, Any, Any]) -> dict[str, Any]:
    claims = request.auth
    return {"user_id": claims.sub, "session_id": claims.sid, "roles": list(claims.roles)}


def from_environment() -> Litestar:
    tessera = os.environ["TESSERA_BENCH_TESSERA_URL"]
    verifier = Verifier(
        ISSUER,
        AUDIENCE,
        f"{tessera}/.well-known/jwks.json",
        revocations_url=f"{tessera}/oauth/revocations",
        client_id=os.environ["TESSERA_BENCH_CLIENT_ID"],
        client_secret=os.environ["TESSERA_BENCH_CLIENT_SECRET"],
    )
    return Litestar(
        [open_route, session],
        middleware=[DefineMiddleware(TesseraMiddleware, verifier=verifier, exclude=["^/ping$", "^/open$"])],
        on_startup=[verifier.astart],
        on_shutdown=[verifier.aclose],
        debug=False,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="benchmarks.verifier_app")
    parser.add_argument("tessera_url")
    parser.add_argument("port", type=int)
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args()
    os.environ["TESSERA_BENCH_TESSERA_URL"] = args.tessera_url
    # The same server and settings as benchmarks.baseline_app (and `tessera serve`).
    uvicorn.run(
        "benchmarks.verifier_app:from_environment",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="info",
        server_header=False,
        proxy_headers=False,
        timeout_worker_healthcheck=60,
    )
