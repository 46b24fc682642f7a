"""A Django site for the in-process tests: the middleware in front, plain views (sync and async, with and
without `require_token`) and DRF views. The `TESSERA` setting is each test's own (`override_settings`)."""

import tests.support.django_settings  # noqa: F401  (configures Django first)

# isort: split

from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from tessera_verifier.decorators import require_token
from tessera_verifier.drf import HasRoles

from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import FakeTessera, rsa_key

KEY = rsa_key()
TESSERA = FakeTessera(keys=[(KEY, "RS256")])
VERIFIER = verifier_for(TESSERA)
"""tessera as the site's verifier sees it (in memory), and the verifier of the decorated views."""


def described(user: object) -> dict[str, object]:
    return {
        "class": type(user).__name__,
        "pk": str(getattr(user, "pk", None)),
        "authenticated": getattr(user, "is_authenticated", False),
        "anonymous": getattr(user, "is_anonymous", True),
        "admin": user.has_perm("admin") if hasattr(user, "has_perm") else None,
        "sid": getattr(user, "sid", None),
    }


def whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse({**described(request.user), "claims_sub": request.claims.sub if request.claims else None})  # type: ignore[attr-defined]


async def async_whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse(described(request.user))


def orders(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"created_for": request.claims.sub}, status=201)  # type: ignore[attr-defined]


@require_token(VERIFIER, roles=["admin"])
def decorated(request: HttpRequest) -> JsonResponse:
    return JsonResponse({**described(request.user), "method": request.method})


@require_token(VERIFIER, roles=["admin"])
async def decorated_async(request: HttpRequest) -> JsonResponse:
    return JsonResponse({**described(request.user), "method": request.method})


class Me(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({**described(request.user), "roles": list(request.auth.roles)})

    def post(self, request: Request) -> Response:
        return Response({"created_for": request.auth.sub}, status=201)


class Report(APIView):
    permission_classes = [IsAuthenticated, HasRoles.of("admin")]

    def get(self, request: Request) -> Response:
        return Response({"report": "yes"})


urlpatterns = [
    path("whoami", whoami),
    path("async-whoami", async_whoami),
    path("orders", orders),
    path("decorated", decorated),
    path("decorated-async", decorated_async),
    path("api/me", Me.as_view()),
    path("api/report", Report.as_view()),
]
