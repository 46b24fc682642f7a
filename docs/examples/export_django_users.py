"""Export a Django project's users as the JSON Lines `tessera users import` reads.

Copy it next to the project's manage.py and run it there with the project's settings module (it
calls `django.setup()` itself, so nothing else prints to stdout: no `manage.py shell` banner):

    DJANGO_SETTINGS_MODULE=mysite.settings python export_django_users.py > users.jsonl
    tessera users import users.jsonl --dry-run
    tessera users import users.jsonl

Each user keeps their Django id as `legacy_id` (the session bridge finds a user by it:
`TESSERA_LEGACY_USER_LOOKUP=legacy_id`, the default for Django) and, for downstream services that
still key on it, as the `legacy_id` claim. Django's integer ids become UUIDs derived from them
(uuid5, so every run gives the same ones: keep `NAMESPACE` fixed once chosen). Roles: `admin` for a
superuser, `staff` for `is_staff`, and one role per group, its name lower-cased with anything
outside a-z, 0-9, `_.:-` turned into `-` ("Billing Team" -> `billing-team`). Passwords keep their
Django hashes (every hasher of Django's default list: `pbkdf2_sha256$…`, `pbkdf2_sha1$…`, `argon2$…`,
`bcrypt_sha256$…`, `scrypt$…`); an unusable password (`!…`) imports as
none, and that user must reset it. The name each user logs in with at Django (`get_username()`)
comes along as `username`, for `TESSERA_LOGIN_IDENTIFIERS=email,username`, when it fits Django's
default rule (1 to 150 of letters, digits and `_ . @ + -`). Users without an email are left out, each
named on stderr: tessera keys users by email.
"""

import json
import os
import re
import sys
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

NAMESPACE = uuid.UUID("6d1f1f38-7e4c-4f4e-9d67-3b0b8f0b5c11")
USERNAME = re.compile(r"[\w.@+-]{1,150}")


def role_of_group(name: str) -> str:
    """A tessera role (a lower-case letter, then up to 63 of a-z 0-9 _ . : -) from a group's name."""
    role = re.sub(r"[^a-z0-9_.:-]+", "-", name.lower()).strip("-")
    return ("group-" + role if not role[:1].isalpha() else role)[:64]


def tessera_lines(users: Iterable[Any]) -> Iterator[str]:
    """One JSON line per user, from objects shaped like `django.contrib.auth.models.User` (with
    their groups prefetched)."""
    for user in users:
        name = f"{user.first_name} {user.last_name}".strip()
        usable = bool(user.password) and not user.password.startswith("!")
        roles = ["admin"] * user.is_superuser + ["staff"] * user.is_staff
        roles += sorted({role_of_group(group.name) for group in user.groups.all()} - set(roles))
        username = user.get_username()
        yield json.dumps(
            {
                "id": str(uuid.uuid5(NAMESPACE, str(user.pk))),
                "email": user.email,
                "display_name": name[:100] or None,
                "roles": roles,
                "created_at": user.date_joined.isoformat(),
                "disabled": not user.is_active,
                "claims": {"legacy_id": user.pk},
                "password_hash": user.password if usable else None,
                "legacy_id": str(user.pk),
                "username": username if USERNAME.fullmatch(username) else None,
            }
        )


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())  # the project's packages, as manage.py finds them
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    model = get_user_model()
    for left_out in model.objects.filter(email="").order_by("pk"):
        print(f"left out: user {left_out.pk} ({left_out.get_username()}) has no email", file=sys.stderr)
    users = model.objects.exclude(email="").prefetch_related("groups").order_by("pk")
    for line in tessera_lines(users.iterator(chunk_size=2000)):
        print(line)
