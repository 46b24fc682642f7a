"""The refusals of signing-key management and of key timings."""

from datetime import timedelta

from domain.errors import DomainError


class KeyNotFound(DomainError):
    message = "There is no such signing key, or it is withdrawn already."


class LastSigningKey(DomainError):
    """Withdrawing the key that signs now would hand signing back to an older key, perhaps a retired one."""

    message = "This key signs now: rotate first (`keys rotate --now`), then retire it."


class JwksOutlivesPropagation(DomainError):
    """A JWKS max-age so long that a verifier may meet a token signed by a key it has not fetched."""

    message = "The JWKS max-age plus the key reload interval exceeds the key propagation delay."

    def __init__(self, longest: timedelta) -> None:
        super().__init__()
        self.longest = longest
