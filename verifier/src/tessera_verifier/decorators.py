"""`require_token`: one view of a Flask or Django app needs a valid token (and roles), no middleware needed."""

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from tessera_verifier.claims import Claims
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import Refusal, bearer_token, lacking_roles, refusal
from tessera_verifier.verifier import Verifier
from tessera_verifier.wsgi import CLAIMS

View = TypeVar("View", bound=Callable[..., Any])


def require_token(verifier: Verifier, *, roles: Iterable[str] = (), realm: str = "api") -> Callable[[View], View]:
    """Flask: `@require_token(verifier)` under `@app.get(...)`, then `current_claims()`; Django:
    `@require_token(verifier)` on a view function, then `request.claims`. Refused: 401 (403 for a
    missing role) problem JSON with the RFC 6750 challenge; 503 with `Retry-After` while revocations cannot be
    known. Tokens the WSGI middleware already
    verified are not verified again."""
    needed = tuple(roles)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            django_request = args[0] if args and hasattr(args[0], "META") else None
            environ = django_request.META if django_request is not None else _flask_environ()
            try:
                claims = environ.get(CLAIMS)
                if claims is None:
                    claims = verifier.verify(bearer_token(environ.get("HTTP_AUTHORIZATION")))
                lacking = lacking_roles(claims, needed)
                if lacking is not None:
                    raise lacking
            except InvalidToken as refused:
                return _response(refusal(refused, realm), django=django_request is not None)
            environ[CLAIMS] = claims
            if django_request is not None:
                django_request.claims = claims
            return view(*args, **kwargs)

        return cast(View, guarded)

    return decorate


def current_claims() -> Claims:
    """In a Flask view behind `require_token` or the WSGI middleware: the verified claims."""
    return cast(Claims, _flask_environ()[CLAIMS])


def _flask_environ() -> dict[str, Any]:
    from flask import request

    return request.environ


def _response(answer: Refusal, *, django: bool) -> Any:
    headers = {name: value for name, value in answer.headers if name != "content-length"}
    content_type = headers.pop("content-type")
    if django:
        from django.http import HttpResponse

        return HttpResponse(answer.body, status=answer.status, content_type=content_type, headers=headers)
    from flask import Response

    return Response(answer.body, status=answer.status, content_type=content_type, headers=headers)
