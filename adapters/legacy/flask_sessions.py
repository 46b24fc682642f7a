"""What Flask apps keep in a session to know the user: Flask-Login's `login_user` stores the
user's id (`str(user.get_id())`) as `_user_id`."""

from domain.legacy_sessions import UserKeyPath

USER_KEY = UserKeyPath(("_user_id",))
LIFETIME = 2678400
"""`PERMANENT_SESSION_LIFETIME`'s default: 31 days, in seconds."""
