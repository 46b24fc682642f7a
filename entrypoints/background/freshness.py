"""How current this process's view of the shared state is: read by readiness and metrics."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Freshness:
    """When each background loop last succeeded, and how often each failed."""

    revocations: datetime | None = None
    keys: datetime | None = None
    failures: dict[str, int] = field(default_factory=dict)
