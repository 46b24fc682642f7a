"""A Django 5 project as `startproject` makes it, trimmed to what logging in needs, configured from
the environment the tests give it: the database (`LEGACY_DATABASE`: a SQLite path, or a
postgresql:// URL), the session backend (`LEGACY_SESSION_ENGINE`, Django's short names), where file
sessions go, and the SECRET_KEY and its fallbacks, read from `LEGACY_SECRET_FILE` one a line."""

import os
from pathlib import Path
from urllib.parse import urlsplit

_secrets = [line for line in Path(os.environ["LEGACY_SECRET_FILE"]).read_text().splitlines() if line]
SECRET_KEY = _secrets[0]
SECRET_KEY_FALLBACKS = _secrets[1:]
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "accounts",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "legacy_site.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_database = os.environ["LEGACY_DATABASE"]
if _database.startswith("postgresql://"):
    _url = urlsplit(_database)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _url.path.lstrip("/"),
            "USER": _url.username or "",
            "PASSWORD": _url.password or "",
            "HOST": _url.hostname or "",
            "PORT": str(_url.port or ""),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _database}}

SESSION_ENGINE = f"django.contrib.sessions.backends.{os.environ.get('LEGACY_SESSION_ENGINE', 'db')}"
SESSION_FILE_PATH = os.environ.get("LEGACY_SESSION_FILE_PATH")
