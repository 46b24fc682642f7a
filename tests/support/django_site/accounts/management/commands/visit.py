"""`manage.py visit COOKIE`: the legacy app's answer to a browser holding this session cookie."""

from django.core.management.base import BaseCommand, CommandParser
from django.test import Client


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cookie")

    def handle(self, *args: object, **options: str) -> None:
        browser = Client()
        browser.cookies["sessionid"] = options["cookie"]
        self.stdout.write(str(browser.get("/me/").status_code))
