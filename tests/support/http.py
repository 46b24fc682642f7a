"""Building the real app for tests: real adapters, cheap argon2 parameters, one signing key for the run."""

import functools
import json
import os
from pathlib import Path

from joserfc.jwk import RSAKey

from entrypoints.settings.config import Settings

FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}
PASSWORD = "correct horse battery staple"


@functools.cache
def dev_key_text() -> str:
    """One RS256 development key (a private JWK with its kid) for every app of the run that needs no
    key of its own: generating a 2048-bit RSA key per app would dominate the run's time. A test that
    needs a different key (rotation, a forger's key) makes its own."""
    key = RSAKey.generate_key(2048, private=True)
    key.ensure_kid()
    return json.dumps(key.as_dict(private=True))


def settings_for_tests(database_url: str, key_dir: Path, **overrides: object) -> Settings:
    """Settings for an app whose development key is `key_dir/dev-signing-key.jwk`: the run's key
    (`dev_key_text`) unless the file is there already or the app signs with another algorithm."""
    values: dict[str, object] = {
        "database_url": database_url,
        "issuer": "https://auth.tessera.test",
        "audience": "tessera-tests",
        "dev_key_file": key_dir / "dev-signing-key.jwk",
        **FAST_ARGON2,
        **overrides,
    }
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.signing_alg == "RS256" and not settings.dev_key_file.exists():
        settings.dev_key_file.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(settings.dev_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(dev_key_text())
    return settings
