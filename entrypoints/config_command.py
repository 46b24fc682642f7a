"""`tessera config`: the settings this process would run with, after defaults and the environment, one a
line. Secrets are masked: the key-encryption key, the trusted clients' secret hashes, and the passwords in
the database and legacy-store URLs. Nothing is connected to; nothing is read beyond the environment."""

from dataclasses import fields
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from domain.clients import TrustedClient
from entrypoints.config import Settings
from entrypoints.legacy_settings import LegacyBridgeSettings

MASK = "***"


def effective_settings(settings: Settings) -> list[str]:
    lines: list[str] = []
    for field in fields(settings):
        value = getattr(settings, field.name)
        if isinstance(value, LegacyBridgeSettings):
            lines.extend(
                f"legacy_bridge.{inner.name} = {_shown(inner.name, getattr(value, inner.name))}"
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
    if name in ("database_url", "store_url"):
        return _without_password(value)
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


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user.partition(':')[0]}:{MASK}@{host}"))
