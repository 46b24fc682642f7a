"""Building the real app for tests: real adapters, cheap argon2 parameters, a key made per test."""

from pathlib import Path

from entrypoints.config import Settings

FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}
PASSWORD = "correct horse battery staple"


def settings_for_tests(database_url: str, key_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "issuer": "https://auth.tessera.test",
        "audience": "tessera-tests",
        "dev_key_file": key_dir / "dev-signing-key.jwk",
        **FAST_ARGON2,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]
