"""The `TESSERA` setting of a Django project, read once (again when a test overrides it), and the user a token
stands for there (see tessera_verifier.django for the keys)."""

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from tessera_verifier.claims import Claims
from tessera_verifier.credentials import AccessCookie
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import exclusion
from tessera_verifier.user import TesseraUser
from tessera_verifier.verifier import Verifier

KEYS = frozenset(
    {"VERIFIER", "REQUIRE_TOKEN", "EXCLUDE", "ACCESS_COOKIE", "ALLOWED_ORIGINS", "USER_CLAIM", "USER_FIELD", "REALM"}
)


class UnknownUser(InvalidToken):
    """The token names (by `USER_CLAIM`) no active user of this service: 403 `insufficient_scope` (the token
    is genuine, but grants nothing here; logging in again would not help)."""

    def __init__(self) -> None:
        super().__init__("insufficient_scope", "The token's user is not known to this service.")


@dataclass(frozen=True, slots=True)
class TesseraSettings:
    verifier: Verifier
    require_token: bool
    exclude: re.Pattern[str] | None
    cookie: AccessCookie | None
    user_claim: str | None
    user_field: str
    realm: str

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> "TesseraSettings":
        unknown = set(options) - KEYS
        if unknown or "VERIFIER" not in options:
            raise ImproperlyConfigured(f"TESSERA needs VERIFIER and takes only {sorted(KEYS)}; unknown: {unknown}")
        verifier = options["VERIFIER"]
        verifier = import_string(verifier) if isinstance(verifier, str) else verifier
        if not isinstance(verifier, Verifier):
            raise ImproperlyConfigured("TESSERA['VERIFIER'] must be a tessera_verifier.Verifier or its dotted path")
        return cls(
            verifier=verifier,
            require_token=bool(options.get("REQUIRE_TOKEN", True)),
            exclude=exclusion(options.get("EXCLUDE", ())),
            cookie=AccessCookie(options.get("ALLOWED_ORIGINS", ())) if options.get("ACCESS_COOKIE") else None,
            user_claim=options.get("USER_CLAIM"),
            user_field=options.get("USER_FIELD", "pk"),
            realm=options.get("REALM", "api"),
        )

    def user_for(self, claims: Claims) -> Any:
        """The Django user the `USER_CLAIM` names (a token without that claim: a `TesseraUser`), or UnknownUser."""
        if self.user_claim is None or claims.get(self.user_claim) is None:
            return TesseraUser(claims)
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = model._default_manager.get(**{self.user_field: claims[self.user_claim]})
        except (model.DoesNotExist, ValueError, TypeError, ValidationError) as missing:  # or a value it cannot hold
            raise UnknownUser from missing
        if not getattr(user, "is_active", True):
            raise UnknownUser
        return user


@functools.cache
def tessera_settings() -> TesseraSettings:
    return TesseraSettings.of(getattr(settings, "TESSERA", {}))


def _forget_settings(*, setting: str, **_: Any) -> None:
    if setting == "TESSERA":
        tessera_settings.cache_clear()


setting_changed.connect(_forget_settings)
