"""The bodies of changing and resetting a password."""

import msgspec

from entrypoints.http.bodies.auth import Email, NewPassword
from entrypoints.http.bodies.shared import Text


class PasswordChangeRequest(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Text
    new_password: NewPassword


class PasswordResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class PasswordResetConfirmation(msgspec.Struct, forbid_unknown_fields=True):
    token: Text
    new_password: NewPassword
