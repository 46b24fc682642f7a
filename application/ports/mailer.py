from abc import abstractmethod
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    """Plain text. It may carry a secret (a reset link): adapters never log it, but for development."""


class Mailer(Protocol):
    """Hands mail over for delivery. `send` returns without waiting for the mail server (adapters
    deliver in the background and report failures in their log): a request that mails takes the
    same time as one that does not, and an unreachable server never fails it."""

    @abstractmethod
    def send(self, mail: Mail) -> None: ...
