"""The import's progress line: rewritten in place on a terminal, absent from a pipe or a log."""

import io

from application.import_report import ImportReport, Refusal
from entrypoints.cli.user_import import _Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_line_is_rewritten_in_place_and_ended() -> None:
    terminal = Terminal()
    progress = _Progress(terminal)
    progress(ImportReport(created=2000))
    progress(ImportReport(created=3999, refused=[Refusal(7, "bad")]))
    progress.done()
    assert terminal.getvalue() == ("\rtessera: 2000 lines read, 0 refused\rtessera: 4000 lines read, 1 refused\n")


def test_off_a_terminal_there_is_no_progress_line() -> None:
    pipe = io.StringIO()
    progress = _Progress(pipe)
    progress(ImportReport(created=2000))
    progress.done()
    assert pipe.getvalue() == ""
