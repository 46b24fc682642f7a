"""An adapter author runs this contract suite against an adapter that lives outside tessera, without
editing tessera's fixtures: by `--storage-adapter=module:factory`, or TESSERA_CONTRACT_ADAPTER."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.served  # each test runs the contract suite in a pytest process of its own (about 10 s)

REPOSITORY = Path(__file__).resolve().parents[2]
UNIT_OF_WORK_CONTRACTS = 41  # the tests that take `new_uow` today, across the contract suites


def _contract_run(*options: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, int], str]:
    """`pytest -m storage_adapter` (the contract suite, wherever its tests sit) in a fresh process: its exit
    code, and its counts by outcome."""
    environment = {name: value for name, value in os.environ.items() if name != "TESSERA_CONTRACT_ADAPTER"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-m",
            "storage_adapter",
            "-q",
            "-p",
            "no:cacheprovider",
            *options,
        ],
        cwd=REPOSITORY,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1]
    counts = {
        outcome: int(number) for number, outcome in re.findall(r"(\d+) (passed|failed|error|deselected)", summary)
    }
    return result.returncode, counts, result.stdout + result.stderr


def test_the_contract_suite_passes_against_a_toy_adapter_named_on_the_command_line() -> None:
    code, counts, output = _contract_run("--storage-adapter=tests.support.toy_storage:make_unit_of_work", "-rA")

    assert code == 0, output
    ran = re.findall(r"^PASSED (tests/\S+)", output, re.MULTILINE)
    assert counts.get("passed") == len(ran) >= UNIT_OF_WORK_CONTRACTS and "failed" not in counts, output
    assert all("external" in re.split(r"[\[\]-]", test) for test in ran)  # the adapter's id among the params


def test_the_contract_suite_fails_an_adapter_that_forgets_its_commits_named_by_the_environment() -> None:
    code, counts, output = _contract_run(
        env={"TESSERA_CONTRACT_ADAPTER": "tests.support.toy_storage:make_forgetful_unit_of_work"}
    )

    assert code == 1, output
    assert counts.get("failed", 0) >= 20, output
