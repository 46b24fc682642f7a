"""Typed values from `TESSERA_*` environment variables: each reader names the variable in its error."""

import ipaddress
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Literal

from adapters.crypto.joserfc_key_vault import key_encryption_key
from adapters.crypto.signing_keys import KeyConfigurationError
from adapters.sql.postgres_pooler import InvalidPoolerParameter
from adapters.sql.postgres_tls import InvalidTlsParameter
from domain.clients import InvalidClientEntry, TrustedClient, parse_trusted_clients
from domain.custom_claims import RESERVED_NAMES
from domain.login_identifiers import LoginIdentifiers, UnknownIdentifierKind
from entrypoints.backends.registry import UnknownStorageUrl, normalised_url
from entrypoints.settings.origins import parse_origin

PREFIX = "TESSERA_"

SameSite = Literal["strict", "lax"]
SAME_SITE_VALUES: tuple[SameSite, ...] = ("strict", "lax")


class ConfigError(ValueError):
    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{PREFIX}{variable}: {problem}")
        self.variable = PREFIX + variable


class Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(PREFIX + name)
        return None if value is None or value.strip() == "" else value.strip()

    def text(self, name: str, default: str) -> str:
        value = self._raw(name)
        if value is not None and len(value) > 2048:
            raise ConfigError(name, "is longer than 2048 characters")
        return default if value is None else value

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(name, f"must be a whole number, not {value!r}") from None
        if not low <= number <= high:
            raise ConfigError(name, f"must be between {low} and {high}, not {number}")
        return number

    def seconds(self, name: str, default: timedelta, *, low: int, high: int) -> timedelta:
        return timedelta(seconds=self.integer(name, int(default.total_seconds()), low=low, high=high))

    def optional_seconds(self, name: str, *, low: int, high: int) -> timedelta | None:
        if self._raw(name) is None:
            return None
        return timedelta(seconds=self.integer(name, 0, low=low, high=high))

    def clients(self, name: str) -> tuple[TrustedClient, ...]:
        try:
            return parse_trusted_clients(self._raw(name) or "")
        except InvalidClientEntry as error:
            raise ConfigError(name, str(error)) from None

    def login_identifiers(self, name: str, default: LoginIdentifiers) -> LoginIdentifiers:
        try:
            return LoginIdentifiers.parse(self.text(name, str(default)))
        except UnknownIdentifierKind as error:
            raise ConfigError(name, f"must be email, username or both, comma-separated, not {str(error)!r}") from None

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in allowed:
            raise ConfigError(name, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def path(self, name: str) -> Path | None:
        value = self._raw(name)
        return None if value is None else Path(value)

    def secret(self, name: str) -> str | None:
        """A secret given directly, or read from the file named by the same variable plus `_FILE`."""
        value, path = self._raw(name), self.path(name + "_FILE")
        if value is not None and path is not None:
            raise ConfigError(name, f"set either it or {PREFIX}{name}_FILE, not both")
        if path is not None:
            try:
                value = path.read_text().strip()
            except OSError as error:
                raise ConfigError(name + "_FILE", f"cannot read {path}: {error.strerror}") from None
        if value is not None:
            try:
                key_encryption_key(value)
            except KeyConfigurationError as error:
                raise ConfigError(name, str(error)) from None
        return value

    def networks(self, name: str) -> tuple[str, ...]:
        """Comma-separated IP addresses or CIDR networks."""
        items = [item.strip() for item in self.text(name, "").split(",") if item.strip()]
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ConfigError(name, f"must be IP addresses or networks like 10.0.0.0/8, not {item!r}") from None
        return tuple(items)

    def claim_names(self, name: str) -> tuple[str, ...]:
        """Comma-separated custom claim names, none of them reserved (tessera's own or a standard claim)."""
        names = tuple(dict.fromkeys(item.strip() for item in self.text(name, "").split(",") if item.strip()))
        reserved = sorted(set(names) & RESERVED_NAMES)
        if reserved:
            raise ConfigError(name, f"names reserved claims, which no user may have: {', '.join(reserved)}")
        return names

    def host_port(self, name: str) -> tuple[str, int] | None:
        """`host:port`, an IPv6 host in brackets (`[::1]:9100`); None if unset."""
        value = self._raw(name)
        if value is None:
            return None
        host, _, port = value.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        elif ":" in host:
            host = ""
        if not host or any(c in host for c in "[]/ ") or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ConfigError(name, f"must be host:port like 127.0.0.1:9100 or [::1]:9100, not {value!r}")
        return host, int(port)

    def same_site(self, name: str, default: SameSite) -> SameSite:
        value = self.text(name, default)
        for allowed in SAME_SITE_VALUES:
            if value == allowed:
                return allowed
        raise ConfigError(name, f"must be one of {', '.join(SAME_SITE_VALUES)}, not {value!r}")

    def origins(self, name: str) -> tuple[str, ...]:
        """Comma-separated origins, each normalised as browsers send them in `Origin`."""
        value = self.text(name, "")
        if not value:
            return ()
        found: list[str] = []
        for item in (part.strip() for part in value.split(",")):
            origin = parse_origin(item) if item else None
            if origin is None:
                raise ConfigError(
                    name, f"must be origins like https://app.example.com (scheme, host, optional port), not {item!r}"
                )
            found.append(origin)
        return tuple(dict.fromkeys(found))

    def optional_database_url(self, name: str) -> str | None:
        return self.database_url(name, "") if self.text(name, "") else None

    def database_url(self, name: str, default: str) -> str:
        """A URL of a registered storage backend, its scheme normalised (`postgres://` to `postgresql+asyncpg://`)."""
        try:
            return normalised_url(self.text(name, default))
        except (UnknownStorageUrl, InvalidTlsParameter, InvalidPoolerParameter) as error:
            raise ConfigError(name, str(error)) from None
