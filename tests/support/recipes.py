"""The migration guide's recipes as scripts: the fenced blocks between a framework's recipe marks,
in order, each with its language (`sh` or `sql`). The tests run every one of them."""

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migration-guide.md"
_BLOCK = re.compile(r"^```(sh|sql)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def recipe_blocks(framework: str, guide: Path = GUIDE) -> list[tuple[str, str]]:
    text = guide.read_text()
    start = text.index(f"<!-- recipe {framework}: start -->")
    end = text.index(f"<!-- recipe {framework}: end -->")
    assert start < end, f"the {framework} recipe's end mark comes before its start"
    return _BLOCK.findall(text[start:end])


def replaced(block: str, replacements: dict[str, str]) -> str:
    """The block with the guide's example values (those it has) swapped for the test's."""
    for example, actual in replacements.items():
        block = block.replace(example, actual)
    return block
