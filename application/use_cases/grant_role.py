from application.role_change import RoleChange
from domain.events import EventKind
from domain.users import User


class GrantRole(RoleChange):
    """Adds a role; granting one the user already has changes nothing."""

    roles_after = User.granted
    event = EventKind.ROLE_GRANTED
