"""The cookie and origin settings: defaults, normalisation, and refusals that name their variable."""

from datetime import timedelta

import pytest

from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app


def test_the_cookie_settings_default_to_strict_and_no_other_origin() -> None:
    settings = settings_from_env({})
    assert settings.cookie_same_site == "strict"
    assert settings.allowed_origins == ()


def test_allowed_origins_are_normalised_as_browsers_send_them() -> None:
    settings = settings_from_env(
        {
            "TESSERA_COOKIE_SAMESITE": "lax",
            "TESSERA_ALLOWED_ORIGINS": "https://App.Example.com:443, http://localhost:5173,https://app.example.com",
        }
    )
    assert settings.cookie_same_site == "lax"
    assert settings.allowed_origins == ("https://app.example.com", "http://localhost:5173")


def test_an_access_lifetime_of_two_seconds_is_allowed_and_one_is_not() -> None:
    assert settings_from_env({"TESSERA_ACCESS_TTL_SECONDS": "2"}).access_ttl == timedelta(seconds=2)
    with pytest.raises(ConfigError, match=r"^TESSERA_ACCESS_TTL_SECONDS: "):
        settings_from_env({"TESSERA_ACCESS_TTL_SECONDS": "1"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TESSERA_COOKIE_SAMESITE", "none"),
        ("TESSERA_COOKIE_SAMESITE", "Strict"),
        ("TESSERA_ALLOWED_ORIGINS", "app.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com/"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com/path"),
        ("TESSERA_ALLOWED_ORIGINS", "ftp://app.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com:99999"),
        ("TESSERA_ALLOWED_ORIGINS", "https://*.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://user@app.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com,,https://b.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "null"),
    ],
)
def test_a_bad_cookie_setting_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({variable: value})
    assert refused.value.variable == variable
    assert str(refused.value).startswith(variable + ": ")
    assert "\n" not in str(refused.value)
