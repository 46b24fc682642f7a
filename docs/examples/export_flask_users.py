"""Export a Flask app's users (Flask-Login over a SQLAlchemy `user` table) as the JSON Lines
`tessera users import` reads. Adapt the query's table and column names to the app's model.

Run it with the app's Python (it needs SQLAlchemy and the database driver the app uses), the
app's database URL in DATABASE_URL:

    DATABASE_URL=postgresql://app@db.internal/app python export_flask_users.py > users.jsonl
    tessera users import users.jsonl --dry-run
    tessera users import users.jsonl

Each user keeps the id Flask-Login stores in the session (`_user_id`, from `get_id()`) as
`legacy_id`: the bridge finds users by it (`TESSERA_LEGACY_USER_LOOKUP=legacy_id`, Flask's
default). Integer ids become UUIDs derived from them (uuid5: keep `NAMESPACE` fixed once chosen).
Werkzeug's hashes (`scrypt:…`, `pbkdf2:sha256:…`) import as they are; `is_admin` becomes the
`admin` role, an inactive user a disabled one. Users without an email are left out.
"""

import json
import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

NAMESPACE = uuid.UUID("0b8e3f4c-5a57-4a8e-9a4e-6f1c2d3b4a51")
QUERY = "SELECT id, email, name, password_hash, active, is_admin FROM \"user\" WHERE email <> '' ORDER BY id"


def tessera_lines(rows: Iterable[Any]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(
            {
                "id": str(uuid.uuid5(NAMESPACE, str(row.id))),
                "email": row.email,
                "display_name": (row.name or "")[:100] or None,
                "roles": ["admin"] if row.is_admin else [],
                "disabled": not row.active,
                "password_hash": row.password_hash or None,
                "legacy_id": str(row.id),
            }
        )


if __name__ == "__main__":
    from sqlalchemy import create_engine, text

    with create_engine(os.environ["DATABASE_URL"]).connect() as connection:
        for line in tessera_lines(connection.execute(text(QUERY))):
            print(line)
