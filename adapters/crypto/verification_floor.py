"""How long a failed password verification must take so that it tells nothing about the account."""

from collections.abc import Hashable

MAX_COST_CLASSES = 64


class VerificationFloor:
    """The latest verification time of each cost class this process has timed, and the slowest of them.

    A cost class is what decides a verification's work: tessera's own argon2id parameters, or an
    imported format with its parameters (pbkdf2_sha256 at 1,000,000 iterations, bcrypt cost 12…).
    Every failed verification, and every dummy one (unknown email, no password), is padded up to the
    slowest class, so an attacker without the password sees one time whether the email is unknown,
    a native user's or an imported user's who never logged in. The latest time, not the longest, so
    that the floor follows the machine's load down as well as up. At most `MAX_COST_CLASSES` are
    kept; past that the cheapest is forgotten, since only the slowest sets the floor."""

    def __init__(self) -> None:
        self._latest: dict[Hashable, float] = {}

    def record(self, cost_class: Hashable, seconds: float) -> None:
        if cost_class not in self._latest and len(self._latest) >= MAX_COST_CLASSES:
            del self._latest[min(self._latest, key=self._latest.__getitem__)]
        self._latest[cost_class] = seconds

    def shortfall(self, seconds: float) -> float:
        """How much longer a failed verification that took `seconds` must wait to reach the floor."""
        return max(0.0, max(self._latest.values(), default=0.0) - seconds)
