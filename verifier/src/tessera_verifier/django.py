"""Django: a middleware that sets `request.user` from tessera's access token, under WSGI and ASGI alike.

Configured by one setting (every key but `VERIFIER` optional; an unknown key is an error, so a typo is not a
silently open door):

    TESSERA = {
        "VERIFIER": "orders.auth.verifier",  # a Verifier, or its dotted path
        "REQUIRE_TOKEN": True,  # False: a request without a credential passes as AnonymousUser
        "EXCLUDE": ["^/health$"],  # paths served without a token (regular expressions)
        "ACCESS_COOKIE": False,  # True: tessera's access cookie is accepted too (see csrf.py)
        "ALLOWED_ORIGINS": [],  # other origins whose pages may send unsafe requests with the cookie
        "USER_CLAIM": None,  # e.g. "legacy_id": request.user is the Django user it names
        "USER_FIELD": "pk",  # ... looked up by this field of the user model
        "REALM": "api",
    }

A request with a valid token gets `request.user` (a `TesseraUser`, or the Django user the `USER_CLAIM` names)
and `request.claims`; a bearer request is exempt from Django's CSRF check (no page can make a browser send
its `Authorization` header), a cookie request is not (the cookie is ambient) and must carry tessera's CSRF
proof as well. Refused: 401 problem JSON with the RFC 6750 challenge, 403 for a cookie request without the
proof, 503 with `Retry-After` while revocations cannot be known. Verification runs in a worker thread under
ASGI (`sync_to_async`), so a key fetch never blocks the event loop and the verifier's polling thread serves
both."""

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tessera_verifier.claims import Claims
from tessera_verifier.credentials import presented
from tessera_verifier.django_settings import TesseraSettings, tessera_settings
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import refusal
from tessera_verifier.request_facts import RequestFacts
from tessera_verifier.user import TesseraUser
from tessera_verifier.wsgi import BY_COOKIE, CLAIMS, USER

GetResponse = Callable[[HttpRequest], Any]


def authenticate(request: HttpRequest, config: TesseraSettings, credentials_needed: bool) -> HttpResponse | None:
    """Verifies the request's credential and admits its user; a refusal to answer instead, or None. Without a
    credential and `credentials_needed` false, the request passes unauthenticated (`request.claims` None)."""
    known: Claims | None = request.META.get(CLAIMS)
    if known is not None and getattr(request, "claims", None) is known:  # admitted already
        return None
    if known is not None:  # verified by the WSGI middleware in front: its user is resolved here
        try:
            user = config.user_for(known)
        except InvalidToken as refused:
            return refusal_response(refused, config.realm)
        admit(request, known, user, by_cookie=request.META.get(BY_COOKIE, False))
        return None
    facts = RequestFacts.from_environ(request.META, scheme=request.scheme)
    try:
        credential = presented(facts, config.cookie)
        claims = config.verifier.verify(credential.token)
        user = config.user_for(claims)
    except InvalidToken as refused:
        if refused.error == "" and not credentials_needed:
            request.claims = None
            return None
        return refusal_response(refused, config.realm)
    admit(request, claims, user, by_cookie=credential.by_cookie)
    return None


def admit(request: HttpRequest, claims: Claims, user: Any, *, by_cookie: bool) -> None:
    """`request.user` (also as `_cached_user`, which Django's own AuthenticationMiddleware returns if it runs
    after this one), `request.claims`, and the CSRF exemption of a bearer request."""
    request.user = request._cached_user = user
    request.claims = claims
    request.META[CLAIMS], request.META[USER], request.META[BY_COOKIE] = claims, user, by_cookie
    if not by_cookie:
        request._dont_enforce_csrf_checks = True


def admit_verified(request: HttpRequest, claims: Claims) -> None:
    """Admits what a middleware in front already verified (its user, and how the token came)."""
    admit(request, claims, request.META.get(USER) or TesseraUser(claims), by_cookie=request.META.get(BY_COOKIE, False))


def django_csrf_failure(request: HttpRequest) -> str | None:
    """Django's own CSRF check, for a cookie request reaching a view that Django exempted (a DRF view, a
    `require_token` view): its reason for refusing, or None. Nothing when CsrfViewMiddleware is not installed."""
    if "django.middleware.csrf.CsrfViewMiddleware" not in settings.MIDDLEWARE:
        return None
    from django.middleware.csrf import CsrfViewMiddleware

    class Check(CsrfViewMiddleware):
        def _reject(self, request: HttpRequest, reason: str) -> Any:
            return reason

    check = Check(lambda _: HttpResponse())
    check.process_request(request)
    reason: str | None = check.process_view(request, lambda _: HttpResponse(), (), {})
    return reason


def refusal_response(refused: InvalidToken, realm: str) -> HttpResponse:
    answer = refusal(refused, realm)
    headers = {name: value for name, value in answer.headers if name not in ("content-length", "content-type")}
    return HttpResponse(answer.body, status=answer.status, content_type="application/problem+json", headers=headers)


class TesseraAuthenticationMiddleware:
    """`MIDDLEWARE = [..., "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tessera_verifier.django.TesseraAuthenticationMiddleware", ...]`, before `CsrfViewMiddleware` takes its
    decision (any position: Django checks CSRF in `process_view`, after every middleware's `__call__`).
    Sync and async capable: Django runs it in whichever mode the stack is in."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self._settings = tessera_settings()
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self._acall(request)
        return self._authenticate(request) or self.get_response(request)

    async def _acall(self, request: HttpRequest) -> Any:
        refused = await sync_to_async(self._authenticate)(request)
        if refused is not None:
            return refused
        response: Awaitable[Any] = self.get_response(request)
        return await response

    def _authenticate(self, request: HttpRequest) -> HttpResponse | None:
        config = self._settings
        if config.exclude is not None and config.exclude.match(request.path_info):
            request.claims = None
            return None
        refused = authenticate(request, config, credentials_needed=config.require_token)
        if refused is None and request.claims is None and not hasattr(request, "user"):
            request.user = _anonymous()
        return refused


def _anonymous() -> Any:
    """Django's AnonymousUser where django.contrib.auth is installed (its module needs the app), else None."""
    if "django.contrib.auth" not in settings.INSTALLED_APPS:
        return None
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
