"""`benchmarks/user_import.py` at test size: it runs, over more than one chunk, and every user is created.
The figure it prints is never asserted here (100,000 users: see the benchmark itself)."""

import subprocess
import sys
from pathlib import Path

import pytest

from application.use_cases.import_users import CHUNK_SIZE

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_benchmark_creates_every_user_across_chunks() -> None:
    users = CHUNK_SIZE + 500
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.user_import", "--users", str(users)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"imported {users} lines: {users} created, 0 updated, 0 unchanged, 0 refused" in run.stdout
    assert f"{users} users in " in run.stdout and "exit 0" in run.stdout
