"""A setting declared once, on its field: the variable it is read from, its default, and how the
variable is read (its bounds with it). `settings_from_env` reads every field by its declaration, and
the warnings about unknown variables know every variable from the same declarations.

    access_ttl: timedelta = seconds("ACCESS_TTL_SECONDS", timedelta(minutes=5), low=2, high=86400)
"""

from collections.abc import Callable, Iterator
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from entrypoints.settings.environment import Env

T = TypeVar("T")
_DECLARED = "tessera_setting"


@dataclass(frozen=True, slots=True)
class Declared:
    variables: tuple[str, ...]
    """Every variable it reads, without the `TESSERA_` prefix."""
    read: Callable[[Env, Any], Any]
    """(the environment, the default) -> the value; raises `ConfigError` naming the variable."""


def declared(variables: str | tuple[str, ...], default: T, read: Callable[[Env, T], T]) -> T:
    """The general form: `read(env, default)` reads `variables`."""
    names = (variables,) if isinstance(variables, str) else variables
    result: T = field(default=default, metadata={_DECLARED: Declared(names, read)})
    return result


def section(variables: tuple[str, ...], factory: Callable[[], T], read: Callable[[Env], T]) -> T:
    """A group of settings with a reader of its own (mail, the legacy bridge); `variables` are all it reads."""
    result: T = field(default_factory=factory, metadata={_DECLARED: Declared(variables, lambda env, _: read(env))})
    return result


def text(variable: str, default: str) -> str:
    return declared(variable, default, lambda env, d: env.text(variable, d))


def integer(variable: str, default: int, *, low: int, high: int) -> int:
    return declared(variable, default, lambda env, d: env.integer(variable, d, low=low, high=high))


def seconds(variable: str, default: timedelta, *, low: int, high: int) -> timedelta:
    return declared(variable, default, lambda env, d: env.seconds(variable, d, low=low, high=high))


def optional_seconds(variable: str, default: timedelta | None, *, low: int, high: int) -> timedelta | None:
    """Unset: the default (None derives the value elsewhere); 0 is a value like any other."""

    def read(env: Env, d: timedelta | None) -> timedelta | None:
        found = env.optional_seconds(variable, low=low, high=high)
        return d if found is None else found

    return declared(variable, default, read)


def choice(variable: str, default: str, allowed: tuple[str, ...]) -> str:
    return declared(variable, default, lambda env, d: env.choice(variable, d, allowed))


def flag(variable: str, default: bool = False) -> bool:
    """`true` or `false`."""
    return declared(
        variable, default, lambda env, d: env.choice(variable, "true" if d else "false", ("true", "false")) == "true"
    )


def path(variable: str, default: Path | None = None) -> Path | None:
    return declared(variable, default, lambda env, d: env.path(variable) or d)


def secret(variable: str) -> str | None:
    """Given directly, or in the file named by the variable plus `_FILE` (both are its variables)."""
    return declared((variable, variable + "_FILE"), None, lambda env, _: env.secret(variable))


def declaration(setting: Field[Any]) -> Declared:
    found = setting.metadata.get(_DECLARED)
    if not isinstance(found, Declared):
        raise TypeError(f"the setting {setting.name} declares no variable")
    return found


def default_of(setting: Field[Any]) -> Any:
    if setting.default is not MISSING:
        return setting.default
    if setting.default_factory is not MISSING:
        return setting.default_factory()
    raise TypeError(f"the setting {setting.name} has no default")


def read_declared(cls: type[Any], env: Env) -> dict[str, Any]:
    """Every field of the dataclass `cls`, read by its declaration."""
    return {setting.name: declaration(setting).read(env, default_of(setting)) for setting in fields(cls)}


def declared_variables(cls: type[Any]) -> Iterator[str]:
    for setting in fields(cls):
        yield from declaration(setting).variables
