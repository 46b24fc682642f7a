"""WSGI middleware for Flask, Django and any WSGI app: the claims at `environ["tessera.claims"]`."""

from collections.abc import Callable, Iterable
from typing import Any

from tessera_verifier.credentials import AccessCookie, presented
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import REASON, exclusion, refusal
from tessera_verifier.request_facts import RequestFacts
from tessera_verifier.user import TesseraUser
from tessera_verifier.verifier import Verifier

CLAIMS, USER, BY_COOKIE = "tessera.claims", "tessera.user", "tessera.by_cookie"
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class TesseraWsgiMiddleware:
    """Every request (but the `exclude`d paths, regular expressions) needs a valid bearer token: else 401
    problem JSON with an RFC 6750 `WWW-Authenticate` challenge; 503 with `Retry-After` while revocations
    cannot be known.

    `cookie=AccessCookie()`: tessera's access cookie is accepted too when no `Authorization` header is sent,
    and an unsafe request on it needs tessera's CSRF proof, else 403 (see csrf.py).

    Flask: `app.wsgi_app = TesseraWsgiMiddleware(app.wsgi_app, verifier)`; Django, in wsgi.py:
    `application = TesseraWsgiMiddleware(get_wsgi_application(), verifier)` (then `request.META["tessera.claims"]`)."""

    def __init__(
        self,
        app: WSGIApp,
        verifier: Verifier,
        *,
        exclude: Iterable[str] = (),
        realm: str = "api",
        cookie: AccessCookie | None = None,
    ) -> None:
        self.app = app
        self._cookie = cookie
        self._verifier = verifier
        self._exclude = exclusion(exclude)
        self._realm = realm

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._exclude is not None and self._exclude.match(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        try:
            credential = presented(RequestFacts.from_environ(environ), self._cookie)
            claims = self._verifier.verify(credential.token)
        except InvalidToken as refused:
            answer = refusal(refused, self._realm)
            start_response(f"{answer.status} {REASON[answer.status]}", answer.headers)
            return [answer.body]
        environ[CLAIMS], environ[USER], environ[BY_COOKIE] = claims, TesseraUser(claims), credential.by_cookie
        return self.app(environ, start_response)
