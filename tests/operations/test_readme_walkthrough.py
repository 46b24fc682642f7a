"""The README's walk-through, run as written (host and port aside) against a served tessera: every
`sh` block exits 0, and prints what its `# → …` comments say, in that order."""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.readme import as_served_at, promised_outputs, walk_through_blocks
from tests.support.served import environment, serving, upgraded

pytestmark = pytest.mark.served

DONE = "walk-through block done: "


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = environment(tmp_path)
    upgraded(env, tmp_path)
    with serving(env, tmp_path) as base:
        yield base


def test_the_readme_walk_through_runs_as_written_against_a_served_tessera(server: str, tmp_path: Path) -> None:
    blocks = walk_through_blocks()
    assert blocks, "no sh block between the README's walk-through marks"
    workdir = tmp_path / "walk-through"
    workdir.mkdir()
    # One shell for all the blocks, as in a reader's terminal: variables carry from one to the next.
    script = "\n".join(
        f"{as_served_at(block, server)}\necho '{DONE}{number}' >&2" for number, block in enumerate(blocks)
    )
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=workdir, capture_output=True, text=True, timeout=120
    )
    done = run.stderr.count(DONE)
    assert run.returncode == 0, f"this block failed:\n{blocks[done]}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    output = re.sub(r"\s+", "", run.stdout)
    position = 0
    for pattern in (pattern for block in blocks for pattern in promised_outputs(block)):
        found = re.compile(pattern).search(output, position)
        assert found, (
            f"the walk-through promised {pattern!r}; after what it had shown, it printed {output[position:]!r}"
        )
        position = found.end()
