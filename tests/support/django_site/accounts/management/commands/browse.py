"""`manage.py browse USERNAME PASSWORD [--aged SECONDS]`: a browser (Django's test client, through
the real middleware and views) logs in; prints the session cookie as JSON. `--aged` makes the
session as old as if that many seconds had passed since the login, the way each backend keeps time:
the signing timestamp (signed_cookies), the file's modification time (file), `expire_date` (db)."""

import json
import os
import time
from contextlib import ExitStack
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandParser
from django.test import Client


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("password")
        parser.add_argument("--aged", type=int, default=0)

    def handle(self, *args: object, **options: str) -> None:
        aged = int(options["aged"])
        engine = settings.SESSION_ENGINE.rpartition(".")[2]
        browser = Client()
        with ExitStack() as stack:
            if aged and engine == "signed_cookies":
                stack.enter_context(mock.patch("django.core.signing.time.time", return_value=time.time() - aged))
            response = browser.post("/login/", {"username": options["username"], "password": options["password"]})
        assert response.status_code == 200, response.content
        key = browser.cookies["sessionid"].value
        if aged and engine in ("db", "cached_db"):
            session = Session.objects.get(session_key=key)
            session.expire_date -= timedelta(seconds=aged)
            session.save()
        if aged and engine == "file":
            path = os.path.join(settings.SESSION_FILE_PATH, settings.SESSION_COOKIE_NAME + key)
            then = os.stat(path).st_mtime - aged
            os.utime(path, (then, then))
        if not aged:
            assert browser.get("/me/").status_code == 200
        self.stdout.write(json.dumps({"cookie": key}))
