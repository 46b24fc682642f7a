"""How many failed logins, registrations and reset requests are let through before 429; the defaults
are the domain's (`ThrottlePolicy`), stated there once."""

from dataclasses import dataclass
from datetime import timedelta

from domain.throttling import ThrottlePolicy
from entrypoints.settings.declared import integer, seconds

_THROTTLE = ThrottlePolicy()


@dataclass(frozen=True)
class ThrottleSettings:
    login_max_failures_per_account_address: int = integer(
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS", _THROTTLE.max_failures_per_account_address, low=1, high=1_000
    )
    login_max_failures_per_account: int = integer(
        "LOGIN_MAX_FAILURES_PER_ACCOUNT", _THROTTLE.max_failures_per_account, low=1, high=10_000
    )
    login_max_failures_per_address: int = integer(
        "LOGIN_MAX_FAILURES_PER_ADDRESS", _THROTTLE.max_failures_per_address, low=1, high=1_000_000
    )
    login_failure_window: timedelta = seconds("LOGIN_FAILURE_WINDOW_SECONDS", _THROTTLE.window, low=1, high=24 * 3600)
    registration_max_per_address: int = integer(
        "REGISTRATION_MAX_PER_ADDRESS", _THROTTLE.max_registrations_per_address, low=1, high=1_000_000
    )
    password_reset_max_per_address: int = integer(
        "PASSWORD_RESET_MAX_PER_ADDRESS", _THROTTLE.max_password_resets_per_address, low=1, high=1_000_000
    )
    """Reset requests per client network within the login failure window before 429."""
    registration_window: timedelta = seconds(
        "REGISTRATION_WINDOW_SECONDS", _THROTTLE.registration_window, low=1, high=7 * 24 * 3600
    )

    def throttle_policy(self) -> ThrottlePolicy:
        """Raises `ThrottleLetsOneAddressLockOut` if the account limit breaks the rule (the reader refuses it first)."""
        return ThrottlePolicy(
            max_failures_per_account_address=self.login_max_failures_per_account_address,
            max_failures_per_account=self.login_max_failures_per_account,
            max_failures_per_address=self.login_max_failures_per_address,
            window=self.login_failure_window,
            max_registrations_per_address=self.registration_max_per_address,
            max_password_resets_per_address=self.password_reset_max_per_address,
            registration_window=self.registration_window,
        )
