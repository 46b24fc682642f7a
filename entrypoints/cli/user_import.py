"""`tessera users import FILE|-`: JSON Lines of another system's users, their ids and hashes kept.

A summary at the end, each refused line by number on stderr, and a progress line while it runs,
only when stderr is a terminal. Exit 0 if every line was taken, 1 if any was refused (the others
are stored all the same, unless `--dry-run`), 2 if the file cannot be read or holds no line at all
(an empty export is an error, not "imported 0 lines")."""

import argparse
import asyncio
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from application.errors import NothingToImport
from application.import_report import ImportReport
from application.use_cases.import_users import ImportOptions, ImportUsers
from entrypoints.ioc.container import build_container
from entrypoints.settings.config import Settings


def add_import_command(user_commands: Any) -> None:  # argparse's subparsers action has no public type
    command = user_commands.add_parser(
        "import", help="users from JSON Lines (FILE, or - for stdin), with their ids and password hashes"
    )
    command.add_argument("file", metavar="FILE", help="one JSON object a line; - reads stdin")
    command.add_argument("--dry-run", action="store_true", help="check every line, store nothing")
    command.add_argument("--update", action="store_true", help="overwrite users already stored under the same id")
    command.add_argument(
        "--force-passwords",
        action="store_true",
        help="with --update: overwrite a password hash changed at tessera since the last import too",
    )


def run_import(settings: Settings, args: argparse.Namespace, stdin: TextIO, stderr: TextIO | None = None) -> int:
    errors = stderr or sys.stderr
    if args.force_passwords and not args.update:
        print("tessera: --force-passwords only applies with --update", file=errors)
        return 2
    options = ImportOptions(update=args.update, dry_run=args.dry_run, force_passwords=args.force_passwords)
    try:
        source = stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        print(f"tessera: cannot read {args.file}: {error.strerror}", file=errors)
        return 2
    try:
        report = asyncio.run(_import(settings, _lines(source), options, _Progress(errors)))
    except UnicodeDecodeError:
        print(f"tessera: {args.file} is not UTF-8 text", file=errors)
        return 2
    except NothingToImport as error:
        source_name = "stdin" if args.file == "-" else args.file
        print(f"tessera: {source_name}: {error.message} Nothing was imported.", file=errors)
        return 2
    finally:
        if source is not stdin:
            source.close()
    for refusal in sorted(report.refused, key=lambda refusal: refusal.line):
        print(f"tessera: line {refusal.line}: {refusal.reason} (nothing of it stored)", file=errors)
    for line in sorted(report.passwords_kept):
        print(
            f"tessera: line {line}: password hash kept: it changed at tessera since the last import "
            "(the rest of the line was taken; --force-passwords overwrites it)",
            file=errors,
        )
    print(_summary(report, options))
    return 1 if report.refused else 0


def _lines(source: TextIO) -> Iterator[str]:
    for line in source:
        yield line.removesuffix("\n").removesuffix("\r")


async def _import(
    settings: Settings, lines: Iterator[str], options: ImportOptions, progress: "_Progress"
) -> ImportReport:
    container = build_container(settings)
    try:
        use_case = await container.get(ImportUsers)
        return await use_case.execute(lines, options, progress)
    finally:
        progress.done()
        await container.close()


def _summary(report: ImportReport, options: ImportOptions) -> str:
    verb = "would import" if options.dry_run else "imported"
    kept = f", {report.kept} kept as stored (--update overwrites them)" if report.kept and not options.update else ""
    return (
        f"tessera: {verb} {report.lines} lines: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged{kept}, {len(report.refused)} refused"
    )


class _Progress:
    """One line rewritten in place (`\\r`), on a terminal only: a log or a pipe gets the summary alone."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = stream.isatty()

    def __call__(self, report: ImportReport) -> None:
        if self._shown:
            self._stream.write(f"\rtessera: {report.lines} lines read, {len(report.refused)} refused")
            self._stream.flush()

    def done(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()
