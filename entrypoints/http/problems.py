"""RFC 9457 problem JSON, the shape of every error answer; a 401 carries an RFC 6750 challenge."""

from http import HTTPStatus

from litestar import Response

REALM = "tessera"
PROBLEM_JSON = "application/problem+json"


def problem(
    status: HTTPStatus, detail: str, *, slug: str | None = None, challenge_error: str | None = None
) -> Response[dict[str, object]]:
    body: dict[str, object] = {
        "type": f"urn:tessera:problem:{slug}" if slug else "about:blank",
        "title": status.phrase,
        "status": status.value,
        "detail": detail,
    }
    headers = {"Cache-Control": "no-store"}
    if status is HTTPStatus.UNAUTHORIZED or challenge_error:  # a 403 names `insufficient_scope` (RFC 6750 §3.1)
        challenge = f'Bearer realm="{REALM}"'
        if challenge_error:
            challenge += f', error="{challenge_error}"'
        headers["WWW-Authenticate"] = challenge
    return Response(body, status_code=status.value, media_type=PROBLEM_JSON, headers=headers)
