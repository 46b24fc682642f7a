"""What an import did, line by line where it refused, and in totals."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    """Created are new users; updated, those `--update` overwrote; unchanged, those stored exactly
    so already; kept, those stored otherwise and left as they are (no `--update`, or a user has
    since logged in and had their hash upgraded). A refused line stored nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    refused: list[Refusal] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept + len(self.refused)
