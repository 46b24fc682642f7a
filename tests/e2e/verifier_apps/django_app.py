"""A Django service (one file): the WSGI middleware in front, /health excluded."""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path
from tessera_verifier.wsgi import TesseraWsgiMiddleware

from tests.e2e.verifier_apps.settings import verifier_from_environment

settings.configure(
    DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1", "localhost"], SECRET_KEY=secrets.token_urlsafe(50)
)


def health(_: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def whoami(request: HttpRequest) -> JsonResponse:
    claims = request.META["tessera.claims"]
    return JsonResponse({"sub": claims.sub, "sid": claims.sid, "roles": list(claims.roles)})


urlpatterns = [path("health", health), path("whoami", whoami)]
application = TesseraWsgiMiddleware(get_wsgi_application(), verifier_from_environment(), exclude=["^/health$"])
