"""TLS to PostgreSQL from a libpq-style URL: `?sslmode=require` as libpq and psql take it.

asyncpg's `connect()` takes the mode as its `ssl` argument, while SQLAlchemy passes a URL's query
through as keyword arguments: `sslmode=` would reach asyncpg as an unknown keyword. So the URL keeps
libpq's spelling (which the change listener's own asyncpg connection reads natively), and the engine
gets the mode as `ssl`. Certificate files come from libpq's variables, which asyncpg reads too:
PGSSLROOTCERT, PGSSLCERT, PGSSLKEY (or ~/.postgresql/root.crt)."""

from sqlalchemy.engine import URL, make_url

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_FILE_PARAMETERS = ("sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword")


class InvalidTlsParameter(ValueError):
    """A URL's TLS parameter that tessera cannot honour; the message never repeats the URL (it may hold a password)."""


def libpq_tls_url(url: str) -> str:
    """The URL with asyncpg's `ssl=` spelled as libpq's `sslmode=`, its mode checked."""
    parsed = make_url(url)
    query = dict(parsed.query)
    if "ssl" in query:
        if "sslmode" in query:
            raise InvalidTlsParameter("has both ssl= and sslmode=; keep sslmode=")
        query["sslmode"] = query.pop("ssl")
    mode = query.get("sslmode")
    if mode is not None and mode not in SSL_MODES:
        raise InvalidTlsParameter(f"sslmode must be one of {', '.join(SSL_MODES)}")
    if given := [name for name in _FILE_PARAMETERS if name in query]:
        raise InvalidTlsParameter(
            f"{given[0]}= is not read from the URL; set PGSSLROOTCERT, PGSSLCERT, PGSSLKEY (or PGSSLCRL) instead"
        )
    if query == dict(parsed.query):
        return url
    return parsed.set(query=query).render_as_string(hide_password=False)


def asyncpg_tls(url: URL) -> tuple[URL, dict[str, str]]:
    """The URL without `sslmode`, and the connect argument asyncpg takes in its place."""
    mode = url.query.get("sslmode")
    if mode is None:
        return url, {}
    return url.difference_update_query(["sslmode"]), {"ssl": mode if isinstance(mode, str) else mode[-1]}
