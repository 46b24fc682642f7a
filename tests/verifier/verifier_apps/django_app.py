"""A Django service in one file, as docs/verifying-tokens.md shows it: the middleware sets `request.user`,
plain views and DRF views behind it, under WSGI (`application`) or ASGI (`asgi_application`). tessera's access
cookie is accepted too (`ACCESS_COOKIE`), and /page is a page whose script calls the service on it."""

import os
import secrets

from django.conf import settings

settings.configure(
    DEBUG=False,
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    SECRET_KEY=secrets.token_urlsafe(50),
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "rest_framework"],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "tessera_verifier.django.TesseraAuthenticationMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DJANGO_DATABASE"]}},
    TESSERA={
        "VERIFIER": "tests.verifier.verifier_apps.django_app.verifier",
        "EXCLUDE": ["^/health$", "^/page$"],
        "ACCESS_COOKIE": True,
        "USER_CLAIM": "legacy_id",  # a user migrated from this app's own table: request.user is that User
    },
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": ["tessera_verifier.drf.TesseraAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "EXCEPTION_HANDLER": "tessera_verifier.drf.problem_exception_handler",
    },
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402
from tessera_verifier.decorators import require_token  # noqa: E402
from tessera_verifier.drf import HasRoles  # noqa: E402

from tests.verifier.verifier_apps.page import page_html  # noqa: E402
from tests.verifier.verifier_apps.settings import verifier_from_environment  # noqa: E402

verifier = verifier_from_environment()
call_command("migrate", verbosity=0)
get_user_model().objects.get_or_create(pk=1, defaults={"username": "ada-before-tessera"})


def health(_: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(page_html(django_csrf_token=get_token(request)))


def whoami(request: HttpRequest) -> JsonResponse:
    user = request.user
    return JsonResponse(
        {"sub": request.claims.sub, "sid": request.claims.sid, "roles": list(request.claims.roles), "user": str(user)}
    )


async def async_whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"sub": request.claims.sub, "user": str(request.user)})


def orders(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"created_for": request.claims.sub}, status=201)


@require_token(verifier, roles=["admin"])
async def admin(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"report": "for admins"})


class Me(APIView):
    def get(self, request: Request) -> Response:
        return Response({"sub": request.auth.sub, "roles": list(request.auth.roles), "user": str(request.user)})

    def post(self, request: Request) -> Response:
        return Response({"created_for": request.auth.sub}, status=201)


class Report(APIView):
    permission_classes = [HasRoles.of("admin")]

    def get(self, request: Request) -> Response:
        return Response({"report": "for admins"})


urlpatterns = [
    path("health", health),
    path("page", page),
    path("whoami", whoami),
    path("async-whoami", async_whoami),
    path("orders", orders),
    path("admin", admin),
    path("api/whoami", Me.as_view()),
    path("api/orders", Me.as_view()),
    path("api/admin", Report.as_view()),
]
application = get_wsgi_application()
asgi_application = get_asgi_application()
