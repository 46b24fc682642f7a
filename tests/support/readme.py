"""The README's walk-through as a script: its fenced `sh` blocks between the walk-through marks,
and the outputs its `# → …` comments promise."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- walk-through: start", "<!-- walk-through: end -->"
_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_PROMISE = re.compile(r"# → (.*)$", re.MULTILINE)
_STATUS_BEFORE_BODY = re.compile(r"^\d{3} (?=\{)")


def walk_through_blocks(readme: Path = README) -> list[str]:
    """The `sh` blocks of the section between the marks, in order."""
    text = readme.read_text()
    start, end = text.index(START), text.index(END)
    assert start < end, "the walk-through's end mark comes before its start"
    return _BLOCK.findall(text[start:end])


def promised_outputs(block: str) -> list[str]:
    """What each `# → …` comment says the command prints, as a pattern that ignores whitespace:
    `…` stands for any text within a JSON string, and a status before a JSON body (`201 {…}`) is
    what the answer is, not what curl prints."""
    patterns = []
    for promise in _PROMISE.findall(block):
        literal = re.sub(r"\s+", "", _STATUS_BEFORE_BODY.sub("", promise))
        patterns.append(re.escape(literal).replace("…", '[^"]*'))
    return patterns


def as_served_at(block: str, base_url: str) -> str:
    """The block aimed at `base_url` instead of `just run`'s localhost:8000."""
    return block.replace("localhost:8000", base_url.removeprefix("http://"))
