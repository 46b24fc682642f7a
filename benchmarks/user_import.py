"""How long `tessera users import` takes for N users (default 100,000) into a fresh database.

    uv run --locked python -m benchmarks.user_import [--users N] [--database-url URL]

Without a URL, a new SQLite file in a temporary directory (migrated first). With a PostgreSQL URL, its
users table must be empty. Every line carries a bcrypt-shaped hash, claims and a role, as an export
would; nothing is hashed at import. Not a row of the main bench (`just bench`): run it on its own.
Measured on the 2-core development machine, shared with other work: 100,000 users in 16.8 s on SQLite
and 16.7 s on PostgreSQL (about 31 s on SQLite under a load average of 9)."""

import argparse
import io
import json
import tempfile
import time
import uuid
from contextlib import redirect_stdout
from pathlib import Path

from adapters.sql.database import upgrade_schema
from entrypoints.cli.user_import import run_import
from entrypoints.settings.config import Settings

HASH = "$2b$12$" + "R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"[:53]


def _lines(users: int) -> str:
    created = "2020-01-01T00:00:00+00:00"
    return "".join(
        json.dumps(
            {
                "id": str(uuid.uuid4()),
                "email": f"user{n}@example.com",
                "display_name": f"User {n}",
                "roles": ["member"],
                "created_at": created,
                "claims": {"tenant": f"t{n % 97}"},
                "password_hash": HASH,
            }
        )
        + "\n"
        for n in range(users)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'tessera.db'}"
        if args.database_url is None:
            upgrade_schema(url)
        path = Path(folder) / "users.jsonl"
        path.write_text(_lines(args.users), encoding="utf-8")
        settings = Settings(database_url=url)
        command = argparse.Namespace(file=str(path), dry_run=False, update=False, force_passwords=False)
        started = time.perf_counter()
        with redirect_stdout(io.StringIO()) as summary:
            code = run_import(settings, command, io.StringIO())
        elapsed = time.perf_counter() - started
    print(summary.getvalue().strip())
    print(f"{args.users} users in {elapsed:.1f} s ({args.users / elapsed:,.0f} a second), exit {code}")


if __name__ == "__main__":
    main()
