"""Logging in the way Django apps do: `authenticate` then `login`, which keeps the user's id and
`_auth_user_hash` in the session; a page that needs the login; `logout`."""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def log_in(request: HttpRequest) -> JsonResponse:
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    if user is None:
        return JsonResponse({"error": "wrong username or password"}, status=401)
    login(request, user)
    return JsonResponse({"id": user.pk})


def me(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "not logged in"}, status=401)
    return JsonResponse({"id": request.user.pk, "username": request.user.get_username()})


@csrf_exempt
def log_out(request: HttpRequest) -> JsonResponse:
    logout(request)
    return JsonResponse({})
