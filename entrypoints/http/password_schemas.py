"""The bodies of changing and resetting a password."""

import msgspec

from entrypoints.http.schemas import Text


class PasswordChangeRequest(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Text
    new_password: Text


class PasswordResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Text


class PasswordResetConfirmation(msgspec.Struct, forbid_unknown_fields=True):
    token: Text
    new_password: Text
