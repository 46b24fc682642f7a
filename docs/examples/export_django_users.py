"""Export a Django project's users as the JSON Lines `tessera users import` reads.

Run it inside the project, then import (check first with --dry-run):

    python manage.py shell -c "exec(open('export_django_users.py').read())" > users.jsonl
    tessera users import users.jsonl --dry-run
    tessera users import users.jsonl

Django's integer ids become UUIDs derived from them (uuid5, so every run gives the same ones: keep
`NAMESPACE` fixed once chosen); the legacy id travels along as the `legacy_id` claim, for downstream
services that still key on it. A bridged legacy session then names users by email
(`TESSERA_LEGACY_USER_LOOKUP=email`), or by the same UUID if the app stored that. Passwords keep
their Django hashes (every hasher of Django's default list: `pbkdf2_sha256$…`, `pbkdf2_sha1$…`,
`argon2$…`, `bcrypt_sha256$…`, `scrypt$…`); an unusable password (`!…`) imports as none, and that
user must reset it.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

NAMESPACE = uuid.UUID("6d1f1f38-7e4c-4f4e-9d67-3b0b8f0b5c11")


def tessera_lines(users: Iterable[Any]) -> Iterator[str]:
    """One JSON line per user, from objects shaped like `django.contrib.auth.models.User`."""
    for user in users:
        name = f"{user.first_name} {user.last_name}".strip()
        usable = bool(user.password) and not user.password.startswith("!")
        yield json.dumps(
            {
                "id": str(uuid.uuid5(NAMESPACE, str(user.pk))),
                "email": user.email,
                "display_name": name[:100] or None,
                "roles": ["admin"] if user.is_superuser else [],
                "created_at": user.date_joined.isoformat(),
                "disabled": not user.is_active,
                "claims": {"legacy_id": user.pk},
                "password_hash": user.password if usable else None,
            }
        )


if __name__ in ("__main__", "django.core.management.commands.shell"):
    from django.contrib.auth import get_user_model

    for line in tessera_lines(get_user_model().objects.exclude(email="").order_by("pk").iterator()):
        print(line)
