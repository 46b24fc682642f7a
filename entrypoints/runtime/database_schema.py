"""Every command that reads or writes the database checks its schema first: on an empty or older one it
stops with one line naming `tessera db upgrade`, instead of a driver's traceback about a missing table."""

from entrypoints.backends.registry import backend_for


class SchemaBehind(RuntimeError):
    """The database's schema is not the one this release expects."""


def require_current_schema(url: str) -> None:
    """Raises `SchemaBehind`, or `DatabaseUnreachable` when the database cannot be opened; a backend with
    no schema (the in-memory store) passes."""
    schema = backend_for(url).schema
    if schema is not None and (pending := schema.pending(url)):
        raise SchemaBehind(f"the database schema does not match ({pending}): run `tessera db upgrade`")
