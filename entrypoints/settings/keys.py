"""The signing keys: the algorithm, where the keys are (a file, the development key, or the database
sealed under the key-encryption key), and the timings of a rotation (`KeyTimings`, stated there once)."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from adapters.crypto.signing_keys import SUPPORTED_ALGORITHMS
from domain.keys import KeyTimings
from entrypoints.settings.declared import choice, declared, optional_seconds, path, seconds, secret

_KEYS = KeyTimings()
_WEEK = 7 * 86400


@dataclass(frozen=True)
class KeySettings:
    signing_alg: str = choice("SIGNING_ALG", "RS256", SUPPORTED_ALGORITHMS)
    signing_key_file: Path | None = path("SIGNING_KEY_FILE")
    dev_key_file: Path = declared(
        "DEV_KEY_FILE", Path("tessera-dev-signing-key.jwk"), lambda env, d: env.path("DEV_KEY_FILE") or d
    )
    key_encryption_key: str | None = secret("KEY_ENCRYPTION_KEY")
    """Set: the signing keys live in the database, sealed under it, shared by every replica."""
    key_propagation: timedelta = seconds("KEY_PROPAGATION_SECONDS", _KEYS.propagation, low=0, high=_WEEK)
    key_reload: timedelta = seconds("KEY_RELOAD_SECONDS", _KEYS.reload, low=1, high=3600)
    jwks_max_age: timedelta | None = optional_seconds("JWKS_MAX_AGE_SECONDS", _KEYS.jwks_max_age, low=0, high=86400)
    """The JWKS `Cache-Control: max-age`; None derives it (see `KeyTimings.jwks_lifetime`)."""

    def key_timings(self) -> KeyTimings:
        """Raises `JwksOutlivesPropagation` if `jwks_max_age` breaks the rule (the reader refuses it first)."""
        return KeyTimings(propagation=self.key_propagation, reload=self.key_reload, jwks_max_age=self.jwks_max_age)

    @property
    def uses_development_key(self) -> bool:
        """No signing key configured, neither a key file nor shared keys: tessera signs with the development
        key and warns so at every start. This is what "development" means to tessera, and nothing else."""
        return self.signing_key_file is None and self.key_encryption_key is None

    @property
    def jwks_cache_lifetime(self) -> timedelta:
        return self.key_timings().jwks_lifetime
