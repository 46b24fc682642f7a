"""How often one process does its periodic work; built by `Settings.schedule()`."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Schedule:
    revocation_poll: timedelta
    revocation_lookback: timedelta
    """How far back each poll looks past the last one that succeeded (see `SyncReplica`)."""
    key_reload: timedelta | None
    """None when keys come from a file and never change while running."""
    purge: timedelta | None
    """None: this process never purges expired rows."""
