"""The error answers each route can give, for the OpenAPI schema."""

from litestar.openapi import ResponseSpec

from entrypoints.http.openapi.problem_shape import ProblemDetails
from entrypoints.http.problems.problem import PROBLEM_JSON

MAX_BODY_BYTES = 64 * 1024
"""The largest request body the app reads (Litestar's `request_max_body_size`); a larger one is 413."""
TOO_LARGE = f"A body larger than {MAX_BODY_BYTES // 1024} KiB: refused before it is read"


def error_responses(**descriptions: str) -> dict[int, ResponseSpec]:
    """`error_responses(e401="...", e409="...")`: one problem-JSON response per status. A route that reads a JSON
    body (it documents 415) also answers 413 to a body larger than the app reads."""
    if "e415" in descriptions:
        descriptions = {"e413": TOO_LARGE, **descriptions}
    return {
        int(status.removeprefix("e")): ResponseSpec(
            data_container=ProblemDetails, description=description, media_type=PROBLEM_JSON, generate_examples=False
        )
        for status, description in descriptions.items()
    }


SIGNED_OUT = {
    204: ResponseSpec(
        data_container=None,
        description="Signed out; no body. The session cookies are cleared (Set-Cookie with Max-Age=0), "
        "whatever the transport.",
    )
}
"""A 204 documented without content: Litestar would otherwise describe the cookie-setting Response as JSON."""

UNAUTHENTICATED = "No access token, or one that is invalid, expired or revoked (see WWW-Authenticate)"
CONFLICTING_CREDENTIALS = "The Authorization header and the access cookie belong to different users"
CROSS_SITE = (
    "A request that uses or sets the session cookies without 'X-Requested-With: tessera' "
    "or from an origin that is neither tessera's own nor configured"
)
NOT_JSON = (
    "A body sent without 'Content-Type: application/json' (or application/<x>+json, UTF-8): "
    "no cross-site 'simple' request reaches the route"
)
