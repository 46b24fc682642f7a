"""Logging in the way Django apps do: `authenticate` then `login`, which keeps the user's id and
`_auth_user_hash` in the session; a page that needs the login; `logout`."""

import time

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def log_in(request: HttpRequest) -> JsonResponse:
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    if user is None:
        return JsonResponse({"error": "wrong username or password"}, status=401)
    login(request, user)
    # What apps keep beside the login. It also makes every login's session its own: a signed-cookie
    # session is its data and its signing second, so two logins of one user in one second would
    # otherwise be one cookie, the second already spent when the first was exchanged.
    request.session["signed_in_at"] = time.time_ns()
    return JsonResponse({"id": user.pk})


def me(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "not logged in"}, status=401)
    return JsonResponse({"id": request.user.pk, "username": request.user.get_username()})


@csrf_exempt
def log_out(request: HttpRequest) -> JsonResponse:
    logout(request)
    return JsonResponse({})
