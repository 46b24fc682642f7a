"""The argon2id defaults the documents state are those tessera hashes with: the security review found
docs/security.md promising 4 lanes while the code used 1."""

import re
from pathlib import Path

import pytest

from entrypoints.ioc.core import configured_password_hasher
from entrypoints.settings.config import Settings

REPOSITORY = Path(__file__).parents[2]
DEFAULTS = Settings()


@pytest.mark.anyio
async def test_the_default_settings_hash_with_the_parameters_docs_security_states() -> None:
    text = (REPOSITORY / "docs" / "security.md").read_text()
    stated = re.search(r"argon2id \(time (\d+), (\d+) MiB, (\d+) lanes? by default\)", text)
    assert stated is not None, "docs/security.md no longer states argon2id's defaults in the expected form"
    time_cost, memory_mib, lanes = (int(group) for group in stated.groups())

    stored = await configured_password_hasher(DEFAULTS).hash("a password hashed with the defaults")

    assert f"$m={memory_mib * 1024},t={time_cost},p={lanes}$" in stored


def test_the_readme_states_the_same_argon2id_defaults() -> None:
    rows = dict(re.findall(r"^\| `(TESSERA_ARGON2_\w+)` \| `(\d+)` \|", (REPOSITORY / "README.md").read_text(), re.M))
    assert rows == {
        "TESSERA_ARGON2_TIME_COST": str(DEFAULTS.argon2_time_cost),
        "TESSERA_ARGON2_MEMORY_KIB": str(DEFAULTS.argon2_memory_kib),
        "TESSERA_ARGON2_PARALLELISM": str(DEFAULTS.argon2_parallelism),
    }
