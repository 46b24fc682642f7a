"""What an import did, line by line where it refused, and in totals."""

from dataclasses import dataclass, field

from domain.users import Email, User

PREFIX_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    """Created are new users; updated, those `--update` overwrote; unchanged, those stored exactly
    so already; kept, those stored otherwise and left as they are (no `--update`, or a user has
    since logged in and had their hash upgraded). A refused line stored nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    refused: list[Refusal] = field(default_factory=list)
    passwords_kept: list[int] = field(default_factory=list)
    """Lines of `--update` whose user kept the password hash tessera wrote since the last import
    (the rest of the line was taken); `--force-passwords` overwrites them."""

    @property
    def lines(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept + len(self.refused)


def unique_keys(user: User) -> list[tuple[str, object]]:
    """What no two lines of an import may share, named by the line's field: id, email, legacy_id, username."""
    keys: list[tuple[str, object]] = [("id", user.id), ("email", user.email)]
    if user.legacy_id is not None:
        keys.append(("legacy_id", user.legacy_id))
    if user.username is not None:
        keys.append(("username", user.username))
    return keys


def shown(value: object) -> str:
    """A value as a refusal names it: enough to find it in the file, not the whole of it in a log
    (`ada@…` for an email, the first eight characters of anything else)."""
    if isinstance(value, Email):
        return f"{value.value.partition('@')[0]}@…"
    text = str(value)
    return text if len(text) <= PREFIX_LENGTH else f"{text[:PREFIX_LENGTH]}…"
