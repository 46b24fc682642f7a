"""tessera's configuration: one `Settings` made of its sections, each field declaring its variable,
default and bounds once (entrypoints/settings/declared.py); `settings_from_env` reads them all.
Where a domain policy has a default (tokens, throttles, key timings), the section takes it from there:
the domain is what tests and benchmarks build without a `Settings`."""

from dataclasses import dataclass

from entrypoints.settings import legacy, mail
from entrypoints.settings.browser import BrowserSettings
from entrypoints.settings.declared import declared, section
from entrypoints.settings.keys import KeySettings
from entrypoints.settings.legacy import LegacyBridgeSettings, legacy_bridge_from_env
from entrypoints.settings.logins import LoginSettings
from entrypoints.settings.mail import MailSettings, mail_settings_from_env
from entrypoints.settings.schedule import Schedule
from entrypoints.settings.service import ServiceSettings
from entrypoints.settings.storage import StorageSettings
from entrypoints.settings.throttles import ThrottleSettings
from entrypoints.settings.tokens import TokenSettings


@dataclass(frozen=True)
class Settings(  # fields come last base first: storage, tokens, keys, ..., as `tessera config` lists them
    ServiceSettings, BrowserSettings, ThrottleSettings, LoginSettings, KeySettings, TokenSettings, StorageSettings
):
    mail: MailSettings = section(mail.VARIABLES, MailSettings, mail_settings_from_env)
    """Password-reset mail: TESSERA_SMTP_URL, TESSERA_MAIL_FROM, TESSERA_PASSWORD_RESET_URL."""
    legacy_bridge: LegacyBridgeSettings | None = declared(
        legacy.VARIABLES, None, lambda env, _: legacy_bridge_from_env(env)
    )
    """Set (TESSERA_LEGACY_*): POST /auth/session/exchange turns legacy sessions into tessera's."""

    def schedule(self) -> Schedule:
        """Keys are reloaded only when they live in the database: a key file changes only with a restart."""
        return Schedule(
            revocation_poll=self.revocation_poll,
            revocation_lookback=self.revocation_lookback,
            key_reload=self.key_reload if self.key_encryption_key else None,
            purge=self.purge_interval,
        )

    @property
    def password_reset_by_mail(self) -> bool:
        """An SMTP server to mail the link, or development, where the log stands in for the mail (the link
        written there). Otherwise the reset routes answer 501: in production the log is read by more
        people than the account's owner, and anyone could put a working link for any account in it."""
        return self.mail.smtp is not None or self.uses_development_key
