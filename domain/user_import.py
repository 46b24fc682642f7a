"""One line of a users import: a user from another system, kept under the id it had there.

`{"id", "email", "display_name"?, "roles"?, "created_at"?, "disabled"?, "claims"?, "password_hash"?,
"legacy_id"?, "username"?}`, one JSON object a line. `legacy_id` is the user's id in their former
system, a string or an integer (Django's and most apps' primary keys), stored as text
(`domain.users.parse_legacy_id`); `username` follows `domain.users.Username`.
Every field is checked by the same rule as anywhere else (email, display name, role, claims), and the
hash by its format and bounds (`domain.imported_password_hashes`): no hashing at import."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from uuid import UUID

from domain.custom_claims import NO_CLAIMS, CustomClaims
from domain.errors import InvalidImportRecord
from domain.imported_password_hashes import parse_password_hash
from domain.imported_passwords import changed_at_tessera, hash_digest
from domain.users import NO_PASSWORD, Email, User, Username, parse_display_name, parse_legacy_id, parse_role

FIELDS = frozenset(
    {"id", "email", "display_name", "roles", "created_at", "disabled", "claims", "password_hash", "legacy_id"}
    | {"username"}
)

_KEPT_WHEN_LEFT_OUT = ("display_name", "roles", "claims", "legacy_id", "username")


@dataclass(frozen=True, slots=True)
class ImportedUser:
    user: User
    given: frozenset[str]
    """The fields the line named (with a value other than null)."""

    def keeps_password_of(self, stored: User, *, force_passwords: bool = False) -> bool:
        """Whether the line's hash, another than the stored one, gives way to a hash tessera wrote
        since the last import (`domain.imported_passwords`), unless `force_passwords`."""
        return (
            "password_hash" in self.given
            and self.user.password_hash != stored.password_hash
            and changed_at_tessera(stored)
            and not force_passwords
        )

    def as_update_of(self, stored: User, *, force_passwords: bool = False) -> User:
        """The user the line makes of a stored one: a field the line leaves out keeps its stored value
        (so an update never takes a password away), a hash tessera wrote since the last import stays
        (`keeps_password_of`), and a user disabled already stays so since then. When the user last chose
        a password at tessera stays too: a hash from the legacy app is no new password chosen here."""
        user = self.user
        kept = {name: getattr(stored, name) for name in _KEPT_WHEN_LEFT_OUT if name not in self.given}
        kept["password_changed_at"] = stored.password_changed_at
        if (
            "password_hash" not in self.given
            or user.password_hash == stored.password_hash
            or self.keeps_password_of(stored, force_passwords=force_passwords)
        ):
            kept["password_hash"] = stored.password_hash
            kept["imported_hash_digest"] = stored.imported_hash_digest
        if "created_at" not in self.given:
            kept["created_at"] = stored.created_at
        if "disabled" not in self.given or (user.is_disabled and stored.is_disabled):
            kept["disabled_at"] = stored.disabled_at
        return replace(user, **kept)


def parse_import_line(text: str, now: datetime) -> ImportedUser:
    """The user a line describes, or `DomainError` saying what is wrong (an unknown field too: a typo
    such as `"password"` must not import a user without one). A new user without `password_hash` gets
    `NO_PASSWORD`; without `created_at`, `now`; `disabled: true` disables them from `now`.

    A line nested deeper than Python's recursion allows (`[[[[…`, in any field) is refused like any
    other bad line: the decoder's `RecursionError` is the line's fault, not the import's."""
    try:
        return _parse(text, now)
    except RecursionError:
        raise InvalidImportRecord("The line is nested too deeply to be a user.") from None


def _parse(text: str, now: datetime) -> ImportedUser:
    try:
        record = json.loads(text)
    except ValueError:
        raise InvalidImportRecord("The line is not valid JSON.") from None
    if not isinstance(record, dict):
        raise InvalidImportRecord("The line is not a JSON object.")
    unknown = sorted(set(record) - FIELDS)
    if unknown:
        raise InvalidImportRecord(f"Unknown fields: {', '.join(unknown)}.")
    for field in ("display_name", "created_at", "password_hash"):
        _optional_text(record, field)
    password_hash = _password_hash(record.get("password_hash"))
    user = User(
        id=_id(record.get("id")),
        email=_email(record.get("email")),
        display_name=parse_display_name(record.get("display_name")),
        password_hash=password_hash,
        roles=_roles(record.get("roles", [])),
        created_at=_moment(record.get("created_at"), now),
        disabled_at=now if _flag(record.get("disabled", False)) else None,
        claims=NO_CLAIMS if record.get("claims") is None else CustomClaims.parse(record["claims"]),
        legacy_id=_legacy_id(record.get("legacy_id")),
        username=None if record.get("username") is None else Username.parse(_text(record["username"], "username")),
        imported_hash_digest=hash_digest(password_hash),
    )
    return ImportedUser(user, frozenset(name for name, value in record.items() if value is not None))


def _id(value: object) -> UUID:
    try:
        return UUID(_text(value, "id"))
    except ValueError:
        raise InvalidImportRecord("The id is not a UUID.") from None


def _email(value: object) -> Email:
    """Required: tessera keys its users by email (login, reset, the operator's commands), so a user
    without one is refused by name rather than imported unreachable or skipped in silence."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidImportRecord("The email is missing: tessera keys users by email, so each needs one.")
    return Email.parse(_text(value, "email"))


def _legacy_id(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidImportRecord("The legacy_id is not a string or an integer.")
    return parse_legacy_id(value)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidImportRecord(f"The {field} is missing or not a string.")
    return value


def _optional_text(record: Mapping[str, object], field: str) -> None:
    if record.get(field) is not None and not isinstance(record[field], str):
        raise InvalidImportRecord(f"The {field} is not a string.")


def _password_hash(value: object) -> str:
    return NO_PASSWORD if value is None or value == "" else parse_password_hash(str(value))


def _roles(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise InvalidImportRecord("The roles are not a list of strings.")
    return tuple(dict.fromkeys(parse_role(role) for role in value))


def _moment(value: object, now: datetime) -> datetime:
    """ISO 8601; a moment without an offset is read as UTC, as most apps store them."""
    if value is None:
        return now
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidImportRecord("The created_at is not an ISO 8601 date and time.") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidImportRecord("The disabled field is not true or false.")
    return value
