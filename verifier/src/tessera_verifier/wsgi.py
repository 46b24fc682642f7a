"""WSGI middleware for Flask, Django and any WSGI app: the claims at `environ["tessera.claims"]`."""

from collections.abc import Callable, Iterable
from typing import Any

from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import REASON, TokenUser, bearer_token, exclusion, refusal
from tessera_verifier.verifier import Verifier

CLAIMS, USER = "tessera.claims", "tessera.user"
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class TesseraWsgiMiddleware:
    """Every request (but the `exclude`d paths, regular expressions) needs a valid bearer token: else 401
    problem JSON with an RFC 6750 `WWW-Authenticate` challenge; 503 with `Retry-After` while revocations
    cannot be known.

    Flask: `app.wsgi_app = TesseraWsgiMiddleware(app.wsgi_app, verifier)`; Django, in wsgi.py:
    `application = TesseraWsgiMiddleware(get_wsgi_application(), verifier)` (then `request.META["tessera.claims"]`)."""

    def __init__(self, app: WSGIApp, verifier: Verifier, *, exclude: Iterable[str] = (), realm: str = "api") -> None:
        self.app = app
        self._verifier = verifier
        self._exclude = exclusion(exclude)
        self._realm = realm

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._exclude is not None and self._exclude.match(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        try:
            claims = self._verifier.verify(bearer_token(environ.get("HTTP_AUTHORIZATION")))
        except InvalidToken as refused:
            answer = refusal(refused, self._realm)
            start_response(f"{answer.status} {REASON[answer.status]}", answer.headers)
            return [answer.body]
        environ[CLAIMS], environ[USER] = claims, TokenUser(claims)
        return self.app(environ, start_response)
