"""`manage.py seed_users PASSWORD`: the project's users, made with `create_user` (Django's default
password hasher), one of them staff and in a group, one a superuser, one inactive."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("password")

    def handle(self, *args: object, **options: str) -> None:
        password = options["password"]
        User.objects.create_user("ada", "ada@example.com", password, first_name="Ada", last_name="Lovelace")
        grace = User.objects.create_user("grace", "grace@example.com", password, is_staff=True)
        grace.groups.add(Group.objects.create(name="Editors"))
        User.objects.create_superuser("root", "root@example.com", password)
        User.objects.create_user("gone", "gone@example.com", password, is_active=False)
