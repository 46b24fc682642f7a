"""`manage.py set_password USERNAME PASSWORD`: a password change on the legacy side."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("password")

    def handle(self, *args: object, **options: str) -> None:
        user = User.objects.get(username=options["username"])
        user.set_password(options["password"])
        user.save()
