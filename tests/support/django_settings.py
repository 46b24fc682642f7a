"""Django's settings for the whole test process, configured once by whichever test needs Django first: the
foreign password hashes (tests/support/foreign_hashes.py) and the verifier's Django site
(tests/verifier/django_site.py) share one process, and Django can be configured only once in it."""

import tempfile

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        ROOT_URLCONF="tests.verifier.django_site",
        ALLOWED_HOSTS=["testserver", "auth.example.com"],
        SECRET_KEY="tests-only-" + "x" * 40,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "rest_framework"],
        MIDDLEWARE=[
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "tessera_verifier.django.TesseraAuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": tempfile.mkstemp(suffix=".sqlite3")[1]}},
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": ["tessera_verifier.drf.TesseraAuthentication"],
            "UNAUTHENTICATED_USER": None,
        },
        TESSERA={"VERIFIER": "tests.verifier.django_site.VERIFIER"},
    )
    django.setup()
