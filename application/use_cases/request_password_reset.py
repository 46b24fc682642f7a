import math

from application.password_reset_issuer import PasswordResetIssuer
from application.ports.clock import Clock
from application.ports.mailer import Mail, Mailer
from application.ports.unit_of_work import UnitOfWork
from domain.client_networks import client_network
from domain.errors import PasswordResetThrottled
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

    Nothing tells the caller whether the email is registered: the same answer, and the same work
    either way. A secret is drawn, the request counted per client network and per email, and the
    token stored by one INSERT … SELECT that finds the user by email and inserts one row or none
    (`PasswordResetRepository.add_for_email`): the same statements, in one transaction, for a
    registered email and an unregistered one. Only the mail differs, and the `Mailer` delivers it in
    the background, so no SMTP round trip is ever part of the answer.

    Past `max_password_resets_per_address` requests from one client network in a window, for any
    emails, requests are refused (`PasswordResetThrottled`, before anything is looked up or mailed):
    one address cannot mail many inboxes. Past `max_password_resets_per_account` requests for one
    email, nothing more is mailed to it (the answer stays the same): many addresses cannot flood one."""

    def __init__(
        self,
        uow: UnitOfWork,
        issuer: PasswordResetIssuer,
        mailer: Mailer,
        clock: Clock,
        throttling: ThrottlePolicy,
    ) -> None:
        self._uow = uow
        self._issuer = issuer
        self._mailer = mailer
        self._clock = clock
        self._throttling = throttling

    async def execute(self, email: str, client_address: str | None = None) -> None:
        now, window = self._clock.now(), self._throttling.window
        secret = self._issuer.new_secret()
        parsed = Email.parse(email)  # a malformed address is the caller's mistake (400), whoever is registered
        user_id = None
        async with self._uow as uow:
            if client_address is not None:
                key = throttle_key("password-reset-address", client_network(client_address))
                from_network = await uow.login_failures.record(key, now, window)
                if from_network.failures > self._throttling.max_password_resets_per_address:
                    await uow.commit()
                    wait = from_network.window_started_at + window - now
                    raise PasswordResetThrottled(retry_after_seconds=max(1, math.ceil(wait.total_seconds())))
            for_email = await uow.login_failures.record(throttle_key("password-reset", parsed.value), now, window)
            if for_email.failures <= self._throttling.max_password_resets_per_account:
                user_id = await self._issuer.store_for_email(uow, parsed, secret, now)
            if user_id is not None:
                uow.record(SecurityEvent(EventKind.PASSWORD_RESET_REQUESTED, user_id, client_address=client_address))
            await uow.commit()
        if user_id is not None:
            self._mailer.send(reset_mail(parsed, self._issuer.link(secret)))
