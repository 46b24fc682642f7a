"""A Flask service, as docs/verifying-tokens.md shows it: views behind `require_token`, tessera's access cookie
accepted too, /admin for the admin role, /page a page whose script calls the service on the cookie."""

from flask import Flask
from tessera_verifier.credentials import AccessCookie
from tessera_verifier.decorators import current_claims, require_token

from tests.verifier.verifier_apps.page import page_html
from tests.verifier.verifier_apps.settings import verifier_from_environment

verifier = verifier_from_environment()
cookie = AccessCookie()  # the service's own origin may POST with it; AccessCookie(["https://shop.example.com"]): more
app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/page")
def page() -> str:
    return page_html()


@app.get("/whoami")
@require_token(verifier, cookie=cookie)
def whoami() -> dict[str, object]:
    claims = current_claims()
    return {"sub": claims.sub, "sid": claims.sid, "roles": list(claims.roles)}


@app.post("/orders")
@require_token(verifier, cookie=cookie)
def orders() -> tuple[dict[str, str], int]:
    return {"created_for": current_claims().sub}, 201


@app.get("/admin")
@require_token(verifier, roles=["admin"], cookie=cookie)
def admin() -> dict[str, str]:
    return {"report": "for admins"}
