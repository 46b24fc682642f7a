"""`tessera config`: the settings this process would run with, after defaults and the environment, one a
line. Secrets are masked: the key-encryption key, the trusted clients' secret hashes, the SMTP password,
and in every URL its password and the values of its secret query parameters (`?password=`, `sslpassword=`,
`?token=`, ...). Nothing is connected to. Beyond the environment, the secret files it names are read, as
the server reads them, to check them (the key-encryption key's `TESSERA_KEY_ENCRYPTION_KEY_FILE`, the legacy
app's `TESSERA_LEGACY_SECRET_FILE`); their contents are never printed."""

from dataclasses import fields
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from adapters.mail.smtp_mailer import SmtpServer
from domain.clients import TrustedClient
from entrypoints.settings.config import Settings
from entrypoints.settings.legacy import LegacyBridgeSettings
from entrypoints.settings.mail import MailSettings

MASK = "***"
SECRET_PARAMETER_WORDS = ("pass", "pwd", "secret", "token", "credential", "apikey", "api_key", "api-key", "signature")
"""A query parameter whose name contains one of these (any case) holds a secret: `password`, `pass`,
`sslpassword`, `passwd`, `auth_token`, `client_secret`, `api_key`... Others (`sslmode`, `sslrootcert`,
`application_name`, `db`) stay readable: they say how tessera connects."""
SECRET_PARAMETER_NAMES = frozenset({"key", "sig", "auth", "access_key", "secret_key", "private_key"})
KEPT_VALUES = frozenset({"{token}"})
"""The reset link's placeholder is no secret: it says where the token goes."""


def effective_settings(settings: Settings) -> list[str]:
    lines: list[str] = []
    for field in fields(settings):
        value = getattr(settings, field.name)
        if isinstance(value, LegacyBridgeSettings | MailSettings):
            lines.extend(
                f"{field.name}.{inner.name} = {_shown(inner.name, getattr(value, inner.name))}"
                for inner in fields(value)
            )
        else:
            lines.append(f"{field.name} = {_shown(field.name, value)}")
    return lines


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if name == "key_encryption_key":
        return MASK
    if isinstance(value, SmtpServer):
        return _smtp(value)
    if isinstance(value, str) and "://" in value:
        return redacted_url(value)
    if name == "metrics_address":
        host, port = value
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds())}s"
    if isinstance(value, tuple):
        return ",".join(_item(item) for item in value) or "-"
    return str(value)


def _item(item: Any) -> str:
    return f"{item.client_id}:{MASK}" if isinstance(item, TrustedClient) else str(item)


def _smtp(server: SmtpServer) -> str:
    scheme = "smtps" if server.implicit_tls else "smtp"
    user = "" if server.username is None else f"{server.username}:{MASK}@"
    host = f"[{server.host}]" if ":" in server.host else server.host
    return f"{scheme}://{user}{host}:{server.port}"


def redacted_url(url: str) -> str:
    """The URL, its password and its secret query parameters' values masked, the rest as given (text
    is cut, not re-assembled: `sqlite:///x.db` keeps its three slashes)."""
    parts = urlsplit(url)
    base, hash_mark, fragment = url.partition("#")
    base, question_mark, query = base.partition("?")
    if parts.password is not None:
        user, _, host = parts.netloc.rpartition("@")
        base = base.replace(parts.netloc, f"{user.partition(':')[0]}:{MASK}@{host}", 1)
    return base + question_mark + _parameters(query) + hash_mark + _parameters(fragment)


def _parameters(text: str) -> str:
    """`a=1&b=2` with the secret ones' values masked (a fragment may carry them too: `#access_token=`)."""
    return "&".join(_parameter(item) for item in text.split("&")) if text else text


def _parameter(item: str) -> str:
    name, equals, value = item.partition("=")
    if not equals or unquote_plus(value) in KEPT_VALUES or not _is_secret(unquote_plus(name)):
        return item
    return f"{name}={MASK}"


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_PARAMETER_NAMES or any(word in lowered for word in SECRET_PARAMETER_WORDS)
