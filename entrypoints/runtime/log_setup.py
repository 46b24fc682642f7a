"""Where tessera's own log lines go: stderr, at the level the command asks for; the audit events always."""

import logging

from adapters.observability.logging_security_events import AUDIT_LOGGER

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int, *, alembic: int) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("alembic").setLevel(alembic)
    logging.getLogger(AUDIT_LOGGER).setLevel(logging.INFO)  # an operator's or a user's changes are always on record
