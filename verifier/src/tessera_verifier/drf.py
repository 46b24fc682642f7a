"""Django REST framework: an authentication class for tessera's access tokens, and a permission on roles.

    REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["tessera_verifier.drf.TesseraAuthentication"]}

    class Report(APIView):
        permission_classes = [IsAuthenticated, HasRoles.of("admin")]

Both read the `TESSERA` setting of `tessera_verifier.django` (its middleware is optional: what it verified is
not verified again, nor is what the WSGI middleware verified, whose user `USER_CLAIM` names is resolved here all
the same, an inactive one refused). No credential: DRF answers 401 with the bare `Bearer realm="api"` challenge
(this class's `authenticate_header`, RFC 6750 §3.1); an invalid token 401 with `error="invalid_token"`; a
missing role 403 with `error="insufficient_scope"`; a cookie request without tessera's CSRF proof, or without
Django's CSRF token where CsrfViewMiddleware is installed, 403; 503 with `Retry-After` while revocations cannot
be known. DRF writes the body (`{"detail": ...}`) unless `problem_exception_handler` is its EXCEPTION_HANDLER."""

from http import HTTPStatus
from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from tessera_verifier.claims import Claims
from tessera_verifier.credentials import presented
from tessera_verifier.django import admit, django_csrf_failure
from tessera_verifier.django_settings import tessera_settings
from tessera_verifier.errors import CrossSiteRequestRefused, InvalidToken, RevocationsUnknown
from tessera_verifier.request_facts import RequestFacts
from tessera_verifier.wsgi import BY_COOKIE, CLAIMS

CHALLENGE_ERROR = "_tessera_challenge_error"


class RevocationsUnavailable(APIException):
    """503: the verifier cannot know whether the token's session was revoked; DRF sends `Retry-After: wait`."""

    status_code = 503
    default_code = "temporarily_unavailable"

    def __init__(self, refused: RevocationsUnknown) -> None:
        super().__init__(refused.description)
        self.wait = refused.retry_after


class InsufficientScope(PermissionDenied):
    """403 with `WWW-Authenticate: Bearer realm=..., error="insufficient_scope"` (DRF sends `auth_header`)."""

    default_code = "insufficient_scope"

    def __init__(self, detail: str, realm: str) -> None:
        super().__init__(detail)
        self.auth_header = f'Bearer realm="{realm}", error="insufficient_scope"'


class TesseraAuthentication(BaseAuthentication):
    """`request.user`: a `TesseraUser` (or the Django user the `USER_CLAIM` names); `request.auth`: the
    `Claims`. A request without a bearer token (nor, where accepted, the access cookie) is left to the next
    authentication class."""

    def authenticate(self, request: Request) -> tuple[Any, Claims] | None:
        config = tessera_settings()
        django_request = request._request
        claims: Claims | None = django_request.META.get(CLAIMS)
        if claims is None:
            facts = RequestFacts.from_environ(django_request.META, scheme=django_request.scheme)
            try:
                credential = presented(facts, config.cookie)
                claims = config.verifier.verify(credential.token)
                user = config.user_for(claims)
            except RevocationsUnknown as unknown:
                raise RevocationsUnavailable(unknown) from None
            except CrossSiteRequestRefused as refused:
                raise PermissionDenied(refused.description) from None
            except InvalidToken as refused:
                if refused.error == "":
                    return None
                if refused.error == "insufficient_scope":  # a genuine token of a user unknown here
                    raise InsufficientScope(refused.description, config.realm) from None
                setattr(request, CHALLENGE_ERROR, refused.error)
                raise AuthenticationFailed(refused.description) from None
            admit(django_request, claims, user, by_cookie=credential.by_cookie)
        elif getattr(django_request, "claims", None) is claims:  # admitted by tessera's Django middleware
            user = django_request.user
        else:  # verified by the WSGI middleware in front: its user is resolved here, as the middleware would
            try:
                user = config.user_for(claims)
            except InvalidToken as refused:  # a genuine token of a user unknown (or inactive) here
                raise InsufficientScope(refused.description, config.realm) from None
            admit(django_request, claims, user, by_cookie=django_request.META.get(BY_COOKIE, False))
        if django_request.META.get(BY_COOKIE) and (reason := django_csrf_failure(django_request)) is not None:
            raise PermissionDenied(f"CSRF Failed: {reason}")  # DRF views are exempt from Django's own check
        return user, claims

    def authenticate_header(self, request: Request) -> str:
        """The RFC 6750 challenge of DRF's 401: bare without a token, with the error code of a refused one."""
        error = getattr(request, CHALLENGE_ERROR, None)
        realm = tessera_settings().realm
        return f'Bearer realm="{realm}"' + (f', error="{error}"' if error else "")


class HasRoles(BasePermission):
    """The token holds every role of `roles`: `HasRoles.of("admin")`. Unauthenticated: 401 (DRF's own
    NotAuthenticated, with the challenge); authenticated without the roles: 403 `insufficient_scope`."""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str) -> type["HasRoles"]:
        return type(f"HasRoles_{'_'.join(roles)}", (cls,), {"roles": roles})

    def has_permission(self, request: Request, view: Any) -> bool:
        claims = request.auth
        if not isinstance(claims, Claims):
            return False
        if not set(self.roles) <= set(claims.roles):
            raise InsufficientScope("This needs a role the token does not have.", tessera_settings().realm)
        return True


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's own answer to an API error, its body as RFC 9457 problem JSON (as tessera and the verifier's other
    integrations answer): the same status and headers (`WWW-Authenticate`, `Retry-After`), `detail` DRF's message,
    and a validation error's fields under `errors` as DRF lists them. Anything else is left to Django, as DRF
    leaves it. `REST_FRAMEWORK = {"EXCEPTION_HANDLER": "tessera_verifier.drf.problem_exception_handler"}`."""
    from rest_framework.views import exception_handler  # here: DRF's views load this module's authentication

    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    problem: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        problem["detail"] = str(data["detail"])
    else:
        problem["errors"] = data
    response.data = problem
    response.content_type = "application/problem+json"
    return response
