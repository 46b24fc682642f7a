"""Outgoing mail and the password-reset link: `TESSERA_SMTP_URL`, `TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH`,
`TESSERA_MAIL_FROM`, `TESSERA_PASSWORD_RESET_URL`.

Without `TESSERA_SMTP_URL`, mail is written to the log instead (development): the reset link too."""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from adapters.mail.smtp_mailer import SmtpServer
from domain.password_resets import TOKEN_PLACEHOLDER, ResetLinkHasNoToken, ResetLinkTemplate
from entrypoints.settings.environment import ConfigError, Env

_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
VARIABLES = ("SMTP_URL", "SMTP_ALLOW_PLAINTEXT_AUTH", "MAIL_FROM", "PASSWORD_RESET_URL")
"""Every variable `mail_settings_from_env` reads."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    smtp: SmtpServer | None = None
    sender: str = "tessera@localhost"
    password_reset_url: str = "http://localhost:8000/reset-password?token={token}"
    """The app's page where a person chooses a new password; `{token}` is replaced by the reset token."""
    smtp_allow_plaintext_auth: bool = False
    """Read into `smtp.plaintext_auth`: kept here too so that `tessera config` shows it, SMTP set or not."""

    def reset_link_template(self) -> ResetLinkTemplate:
        return ResetLinkTemplate(self.password_reset_url)


def mail_settings_from_env(env: Env) -> MailSettings:
    defaults = MailSettings()
    reset_url = env.text("PASSWORD_RESET_URL", defaults.password_reset_url)
    try:
        ResetLinkTemplate(reset_url)
    except ResetLinkHasNoToken:
        raise ConfigError(
            "PASSWORD_RESET_URL", f"must contain {TOKEN_PLACEHOLDER}, where the reset token goes"
        ) from None
    sender = env.text("MAIL_FROM", defaults.sender)
    if "@" not in sender or any(c in sender for c in "\r\n"):
        raise ConfigError("MAIL_FROM", "must be an email address like tessera@example.com")
    plaintext_auth = env.choice("SMTP_ALLOW_PLAINTEXT_AUTH", "false", ("true", "false")) == "true"
    smtp = _smtp(env.text("SMTP_URL", ""), plaintext_auth)
    return MailSettings(smtp, sender, reset_url, smtp_allow_plaintext_auth=plaintext_auth)


def _smtp(url: str, plaintext_auth: bool) -> SmtpServer | None:
    """`smtp://host[:port]` or `smtps://[user:password@]host[:port]`; never echoes the value (a password)."""
    if not url:
        return None
    problem = "must be smtp://host:port or smtps://user:password@host:port"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("SMTP_URL", problem) from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ConfigError("SMTP_URL", problem)
    return SmtpServer(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[parts.scheme],
        implicit_tls=parts.scheme == "smtps",
        username=None if parts.username is None else unquote(parts.username),
        password=None if parts.password is None else unquote(parts.password),
        plaintext_auth=plaintext_auth,
    )
