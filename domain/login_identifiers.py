"""What a user may log in with: their email, and where the service allows it, their username.

One setting chooses (`TESSERA_LOGIN_IDENTIFIERS`, "email" unless told): an app whose users know only
their username (most Django and Flask apps) turns on "email,username" for the migration. Every rule
of a login holds the same whichever names the account: unknown and wrong password fail alike and take
alike long, and the throttle counts the account's failures under one key (see `LogIn`)."""

from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    EMAIL = "email"
    USERNAME = "username"


class UnknownIdentifierKind(ValueError):
    """A setting naming something other than `email` and `username`, or nothing."""


@dataclass(frozen=True, slots=True)
class LoginIdentifiers:
    kinds: frozenset[IdentifierKind] = frozenset({IdentifierKind.EMAIL})

    @classmethod
    def parse(cls, text: str) -> "LoginIdentifiers":
        """A comma-separated list such as `email,username`; blanks and case ignored."""
        names = [name.strip().lower() for name in text.split(",") if name.strip()]
        try:
            kinds = frozenset(IdentifierKind(name) for name in names)
        except ValueError:
            raise UnknownIdentifierKind(text) from None
        if not kinds:
            raise UnknownIdentifierKind(text)
        return cls(kinds)

    def accepts(self, kind: IdentifierKind) -> bool:
        return kind in self.kinds

    def tried_for(self, kind: IdentifierKind | None) -> tuple[IdentifierKind, ...]:
        """The kinds a login looks the account up by, in order: the one named, if accepted; for an
        `identifier` of no named kind, each accepted kind, an email first (a username may look like an
        email, and the email is what tessera keys users by)."""
        if kind is not None:
            return (kind,) if kind in self.kinds else ()
        return tuple(k for k in (IdentifierKind.EMAIL, IdentifierKind.USERNAME) if k in self.kinds)

    def __str__(self) -> str:
        return ",".join(k.value for k in (IdentifierKind.EMAIL, IdentifierKind.USERNAME) if k in self.kinds)


EMAIL_ONLY = LoginIdentifiers()
"""The default: logins name the account by email alone."""
