"""A Flask service: /whoami needs a tessera access token (the decorator), /health does not."""

from flask import Flask
from tessera_verifier.decorators import current_claims, require_token

from tests.e2e.verifier_apps.settings import verifier_from_environment

verifier = verifier_from_environment()
app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/whoami")
@require_token(verifier)
def whoami() -> dict[str, object]:
    claims = current_claims()
    return {"sub": claims.sub, "sid": claims.sid, "roles": list(claims.roles)}
