"""The user of a verified token as Django and DRF code expects a user to look."""

from dataclasses import dataclass
from typing import Any

from tessera_verifier.http_edge import TokenUser


@dataclass(frozen=True, slots=True)
class TesseraUser(TokenUser):
    """`request.user` for a verified token when no Django user is resolved: `sub` (also `pk`, `id` and
    `username`: tessera's user id), `sid`, `roles`, `claims`; authenticated, never anonymous, never staff. A
    role is a permission of the same name: `has_perm("admin")`. Nothing is stored: there is no `save()`."""

    @property
    def sub(self) -> str:
        return self.claims.sub

    @property
    def sid(self) -> str:
        return self.claims.sid

    @property
    def pk(self) -> str:
        return self.claims.sub

    @property
    def username(self) -> str:
        return self.claims.sub

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False

    def get_username(self) -> str:
        return self.claims.sub

    def has_role(self, role: str) -> bool:
        return role in self.claims.roles

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.claims.roles

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return all(perm in self.claims.roles for perm in perms)

    def __str__(self) -> str:
        return self.claims.sub
