"""Warnings about the environment, printed once by every `tessera` command that reads its configuration:
a `TESSERA_*` variable tessera does not know (most likely a typo, silently ignored otherwise), and an issuer
left at its development default by a deployment that is not a development one."""

import difflib
from collections.abc import Mapping

from entrypoints.settings.config import Settings
from entrypoints.settings.declared import declared_variables
from entrypoints.settings.environment import PREFIX

SETTINGS = frozenset(PREFIX + name for name in declared_variables(Settings))
"""Every variable `settings_from_env` reads, as the fields of `Settings` declare them, including
`TESSERA_WORKER_SOCKETS`, which `tessera serve --workers` sets for its own workers."""

ELSEWHERE = frozenset(
    PREFIX + name
    for name in (
        "URL",  # docs/examples/downstream_service.py, a downstream service configured beside tessera
        "TEST_POSTGRES_URL",  # the test suite's PostgreSQL (tests/support/postgres.py, .ci/ensure-postgres)
        "CONTRACT_ADAPTER",  # the contract suite's adapter under test (tests/support/storage_contract.py)
        "BENCH_VARIANT",  # benchmarks/baseline_app.py, for its own workers
        "BENCH_REDIS_URL",
    )
)
"""Variables of tessera's project that tessera itself does not read: known, so never warned about."""

KNOWN = SETTINGS | ELSEWHERE
_SUFFIXES = {name.removeprefix(PREFIX): name for name in KNOWN}


def config_warnings(settings: Settings, environ: Mapping[str, str]) -> list[str]:
    """One line each, never a variable's value (it may be a secret)."""
    warnings = [_unknown(name) for name in sorted(environ) if name.upper().startswith(PREFIX) and name not in KNOWN]
    if not settings.uses_development_key and not environ.get(PREFIX + "ISSUER", "").strip():
        warnings.append(
            f"{PREFIX}ISSUER is not set: tokens name the development issuer {settings.issuer}; "
            "set it to this service's public URL"
        )
    return warnings


def _unknown(name: str) -> str:
    nearest = difflib.get_close_matches(name.upper().removeprefix(PREFIX), _SUFFIXES, n=1)
    return f"unknown setting {name}" + (f"; did you mean {_SUFFIXES[nearest[0]]}?" if nearest else " (ignored)")
