"""Users and the rules for the credentials they register with."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.custom_claims import NO_CLAIMS, CustomClaims
from domain.errors import (
    InvalidDisplayName,
    InvalidEmail,
    InvalidLegacyId,
    InvalidPassword,
    InvalidRole,
    InvalidUsername,
)

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 1024
DISPLAY_NAME_MAX_LENGTH = 100
LEGACY_ID_MAX_LENGTH = 255
USERNAME_MAX_LENGTH = 150
NO_PASSWORD = ""
"""The stored hash of a user imported without one: no password verifies, they must reset it."""

# RFC 5321/5322 in the form that mail systems actually deliver: a dot-atom local part and a
# hostname of letters, digits and hyphens with at least one dot. Quoted local parts and IP
# literals are refused on purpose: nobody registers with them, and they complicate matching.
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_USERNAME = re.compile(r"[\w.@+-]+")
_ROLE = re.compile(r"[a-z][a-z0-9_.:-]{0,63}")
ADMIN_ROLE = "admin"


@dataclass(frozen=True, slots=True)
class Email:
    """A normalised email address: surrounding blanks removed, compared case-insensitively."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> "Email":
        candidate = raw.strip()
        if len(candidate) > 254 or candidate.count("@") != 1:
            raise InvalidEmail
        local, _, host = candidate.rpartition("@")
        if not host.isascii():
            raise InvalidEmail  # before lower(): "\u212a".lower() is an ASCII "k"
        host = host.lower()
        if not (0 < len(local) <= 64) or not _LOCAL_PART.fullmatch(local):
            raise InvalidEmail
        labels = host.split(".")
        if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
            raise InvalidEmail
        if labels[-1].isdigit():
            raise InvalidEmail
        return cls(f"{local.lower()}@{host}")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Username:
    r"""A username as Django's default user model allows it: 1 to 150 of letters, digits (any script's,
    Unicode `\w`) and `_ . @ + -`, compared case-insensitively.

    Normalised once, here, so that storage compares plain strings: surrounding blanks removed, then
    NFKC (compatibility forms fold into one: the Kelvin sign into K, fullwidth `Ａ` into `A`), then
    `casefold()` (`Ada` and `ADA` are one name, `Straße` and `STRASSE` too), then NFKC again, as
    casefolding can leave a string that is not NFKC. The length and the characters are checked on the
    result, which is what is stored and what two users may not share. An `@` is allowed, as Django
    allows it: a username may look like an email, and login by `identifier` tries emails first."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> "Username":
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw.strip()).casefold())
        if not 0 < len(folded) <= USERNAME_MAX_LENGTH or not _USERNAME.fullmatch(folded):
            raise InvalidUsername
        return cls(folded)

    def __str__(self) -> str:
        return self.value


def check_password(password: str) -> None:
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise InvalidPassword


def parse_display_name(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = raw.strip()
    if not 0 < len(name) <= DISPLAY_NAME_MAX_LENGTH or not name.isprintable():
        raise InvalidDisplayName
    return name


def parse_legacy_id(raw: str) -> str:
    """The id a user had in the system they came from (Django's `pk`, Flask-Login's `get_id()`, an
    Express app's `userId`), by which a session bridge finds them. Kept exactly as given and compared
    exactly, never normalised: `"42"` and `" 42"` are two ids. Any 1 to 255 characters but NUL, which
    PostgreSQL cannot store in text."""
    if not 0 < len(raw) <= LEGACY_ID_MAX_LENGTH or "\x00" in raw:
        raise InvalidLegacyId
    return raw


def parse_role(raw: str) -> str:
    """A role name: a lowercase letter, then up to 63 of `a-z 0-9 _ . : -`. Never normalised, so that
    the name stored, carried in the token and required by a guard is one and the same string."""
    if not _ROLE.fullmatch(raw):
        raise InvalidRole
    return raw


@dataclass(frozen=True, slots=True)
class User:
    id: UUID
    email: Email
    display_name: str | None
    password_hash: str
    roles: tuple[str, ...]
    created_at: datetime
    disabled_at: datetime | None = None
    """Set while an operator has locked the account: no login, no refresh, every session ended."""
    claims: CustomClaims = NO_CLAIMS
    """The user's own claims, carried in every access token issued to them from when they are set."""
    legacy_id: str | None = None
    """Their id in the system they were imported from (`parse_legacy_id`), unique among users."""
    username: Username | None = None
    """A second name to log in with (`Username`), unique among users; imported, never registered."""
    imported_hash_digest: str | None = None
    """SHA-256 of the password hash as last imported, None if none was (`domain.imported_passwords`)."""
    password_changed_at: datetime | None = None
    """When the user last chose a new password at tessera (a change or a reset; never a re-hash of the
    same password). From then on no session of a legacy app proves their password."""

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def granted(self, role: str) -> tuple[str, ...]:
        """The roles with `role` added (once), in a stable order."""
        return self.roles if role in self.roles else (*self.roles, role)

    def without(self, role: str) -> tuple[str, ...]:
        return tuple(r for r in self.roles if r != role)
