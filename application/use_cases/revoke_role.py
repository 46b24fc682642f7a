from application.role_change import RoleChange
from domain.events import EventKind
from domain.users import User


class RevokeRole(RoleChange):
    """Removes a role; revoking one the user lacks changes nothing."""

    roles_after = User.without
    event = EventKind.ROLE_REVOKED
