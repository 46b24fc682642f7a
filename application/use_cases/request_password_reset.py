from application.password_reset_issuer import PasswordResetIssuer
from application.ports.clock import Clock
from application.ports.mailer import Mail, Mailer
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from domain.events import EventKind, SecurityEvent
from domain.password_resets import RESET_TOKEN_LIFETIME
from domain.throttling import ThrottlePolicy, throttle_key
from domain.users import Email

SUBJECT = "Reset your password"


def reset_mail(to: Email, link: str) -> Mail:
    minutes = int(RESET_TOKEN_LIFETIME.total_seconds() // 60)
    body = (
        "Someone asked to reset the password of the account of this address.\n\n"
        f"To choose a new password, open this link within {minutes} minutes (it works once):\n\n{link}\n\n"
        "If it was not you, ignore this mail: your password stays as it is.\n"
    )
    return Mail(to=str(to), subject=SUBJECT, body=body)


class RequestPasswordReset:
    """Mails a reset link to an existing, enabled account; answers the same for any other email.

    Nothing tells the caller whether the email is registered: the same answer, and nearly the same
    work either way (a secret drawn, the request counted per email, the user looked up, no password
    hashed); a real user's adds one row insert to it. Past `max_password_resets_per_account` requests
    for one email in a window, nothing more is mailed to it (the answer stays the same). The mail is
    handed to the `Mailer`, which delivers it in the background, so no SMTP round trip is ever part
    of the answer."""

    def __init__(
        self,
        uow: UnitOfWork,
        issuer: PasswordResetIssuer,
        mailer: Mailer,
        clock: Clock,
        throttling: ThrottlePolicy,
        events: SecurityEvents,
    ) -> None:
        self._uow = uow
        self._issuer = issuer
        self._mailer = mailer
        self._clock = clock
        self._throttling = throttling
        self._events = events

    async def execute(self, email: str, client_address: str | None = None) -> None:
        now = self._clock.now()
        secret = self._issuer.new_secret()
        parsed = Email.parse(email)  # a malformed address is the caller's mistake (400), whoever is registered
        counter = throttle_key("password-reset", email.strip().lower())
        async with self._uow as uow:
            requests = await uow.login_failures.record(counter, now, self._throttling.window)
            await uow.commit()
            user = await uow.users.get_by_email(parsed)
            if user is None or user.is_disabled or requests.failures > self._throttling.max_password_resets_per_account:
                return
            link = await self._issuer.store(uow, user.id, secret, now)
            await uow.commit()
        self._mailer.send(reset_mail(user.email, link))
        self._events.emit(SecurityEvent(EventKind.PASSWORD_RESET_REQUESTED, user.id, client_address=client_address))
