"""`require_token`: one view of a Flask or Django app needs a valid token (and roles), no middleware needed."""

import asyncio
import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from tessera_verifier.claims import Claims
from tessera_verifier.credentials import AccessCookie, presented
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import Refusal, lacking_roles, refusal
from tessera_verifier.request_facts import RequestFacts
from tessera_verifier.user import TesseraUser
from tessera_verifier.verifier import Verifier
from tessera_verifier.wsgi import BY_COOKIE, CLAIMS, USER

View = TypeVar("View", bound=Callable[..., Any])


def require_token(
    verifier: Verifier, *, roles: Iterable[str] = (), realm: str = "api", cookie: AccessCookie | None = None
) -> Callable[[View], View]:
    """Flask: `@require_token(verifier)` under `@app.get(...)`, then `current_claims()`; Django:
    `@require_token(verifier)` on a view function, then `request.user` and `request.claims`. Sync and `async
    def` views alike (an async view's token is verified in a worker thread). Refused: 401 (403 for a missing
    role) problem JSON with the RFC 6750 challenge; 403 for tessera's access cookie (`cookie=AccessCookie()`)
    on an unsafe request without the CSRF proof; 503 with `Retry-After` while revocations cannot be known.
    Tokens a middleware already verified are not verified again.

    Django: the view is exempt from Django's CSRF middleware, which runs before it and cannot know the
    credential; the decorator applies Django's check itself to a cookie request (a bearer request carries no
    ambient credential)."""
    needed = tuple(roles)

    def admitted(args: tuple[Any, ...]) -> Any | None:
        django_request = args[0] if args and hasattr(args[0], "META") else None
        if django_request is not None:
            return _django_admitted(django_request, verifier, needed, realm, cookie)
        return _flask_admitted(verifier, needed, realm, cookie)

    def decorate(view: View) -> View:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                refused = await asyncio.to_thread(admitted, args)
                return refused if refused is not None else await view(*args, **kwargs)

            guarded: Callable[..., Any] = guarded_async
        else:

            @functools.wraps(view)
            def guarded_sync(*args: Any, **kwargs: Any) -> Any:
                refused = admitted(args)
                return refused if refused is not None else view(*args, **kwargs)

            guarded = guarded_sync
        guarded.csrf_exempt = True  # type: ignore[attr-defined]  # Django's check is applied by the decorator
        return cast(View, guarded)

    return decorate


def current_claims() -> Claims:
    """In a Flask view behind `require_token` or the WSGI middleware: the verified claims."""
    return cast(Claims, _flask_environ()[CLAIMS])


def _flask_admitted(verifier: Verifier, roles: tuple[str, ...], realm: str, cookie: AccessCookie | None) -> Any:
    environ = _flask_environ()
    try:
        claims = environ.get(CLAIMS)
        if claims is None:
            credential = presented(RequestFacts.from_environ(environ), cookie)
            claims = verifier.verify(credential.token)
            environ[CLAIMS], environ[USER], environ[BY_COOKIE] = claims, TesseraUser(claims), credential.by_cookie
        lacking = lacking_roles(claims, roles)
        if lacking is not None:
            raise lacking
    except InvalidToken as refused:
        return _flask_response(refusal(refused, realm))
    return None


def _django_admitted(
    request: Any, verifier: Verifier, roles: tuple[str, ...], realm: str, cookie: AccessCookie | None
) -> Any:
    from tessera_verifier.django import admit, admit_verified, django_csrf_failure, refusal_response

    try:
        claims = request.META.get(CLAIMS)
        if claims is None:
            credential = presented(RequestFacts.from_environ(request.META, scheme=request.scheme), cookie)
            claims = verifier.verify(credential.token)
            admit(request, claims, TesseraUser(claims), by_cookie=credential.by_cookie)
        else:
            admit_verified(request, claims)
        lacking = lacking_roles(claims, roles)
        if lacking is not None:
            raise lacking
    except InvalidToken as refused:
        return refusal_response(refused, realm)
    if request.META.get(BY_COOKIE) and (reason := django_csrf_failure(request)) is not None:
        from django.http import HttpResponseForbidden

        return HttpResponseForbidden(f"CSRF verification failed: {reason}")
    return None


def _flask_environ() -> dict[str, Any]:
    from flask import request

    return request.environ


def _flask_response(answer: Refusal) -> Any:
    from flask import Response

    headers = {name: value for name, value in answer.headers if name != "content-length"}
    content_type = headers.pop("content-type")
    return Response(answer.body, status=answer.status, content_type=content_type, headers=headers)
