from application.ports.mailer import Mail, Mailer


class InMemoryMailer(Mailer):
    """Keeps what it is handed, in order: an outbox to read in tests."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)
