"""RFC 9457 problem JSON, the shape of every error answer; a 401 carries an RFC 6750 challenge.

A 400 that one or more fields caused names them in `invalid_params`, the extension member RFC 9457
§3 shows for it: `[{"name": "email", "in": "body", "reason": "Expected `str`, got `int`"}]`. `name` is
the field's path in the body (`claims.tenant`), or the parameter's name in the query, path, header or
cookie; `$` is the body as a whole (not a JSON object, say). A client can point at the field without
parsing `detail`, which says the same in words."""

from dataclasses import dataclass
from http import HTTPStatus

from litestar import Response

REALM = "tessera"
PROBLEM_JSON = "application/problem+json"
WHOLE_BODY = "$"


@dataclass(frozen=True, slots=True)
class InvalidParam:
    name: str
    location: str
    """Where the field was: body, query, path, header or cookie (`in` in the answer)."""
    reason: str

    def as_member(self) -> dict[str, str]:
        return {"name": self.name, "in": self.location, "reason": self.reason}


def problem(
    status: HTTPStatus,
    detail: str,
    *,
    slug: str | None = None,
    challenge_error: str | None = None,
    invalid_params: tuple[InvalidParam, ...] = (),
) -> Response[dict[str, object]]:
    body: dict[str, object] = {
        "type": f"urn:tessera:problem:{slug}" if slug else "about:blank",
        "title": status.phrase,
        "status": status.value,
        "detail": detail,
    }
    if invalid_params:
        body["invalid_params"] = [param.as_member() for param in invalid_params]
    headers = {"Cache-Control": "no-store"}
    if status is HTTPStatus.UNAUTHORIZED or challenge_error:  # a 403 names `insufficient_scope` (RFC 6750 §3.1)
        challenge = f'Bearer realm="{REALM}"'
        if challenge_error:
            challenge += f', error="{challenge_error}"'
        headers["WWW-Authenticate"] = challenge
    return Response(body, status_code=status.value, media_type=PROBLEM_JSON, headers=headers)
