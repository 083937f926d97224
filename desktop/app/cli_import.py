"""``quietledger import clients|sessions|payments|simplepractice FILE [--dry-run]``, and
``quietledger import all DIR [--dry-run]`` for a whole export folder.

A rejected file exits 1 with each problem on its own line of standard error,
as ``FILE:ROW: column: message``, and nothing is written. ``--dry-run`` checks
the file the same way and changes nothing either way.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_OK,
    CliError,
    Subparsers,
    UsageError,
    add_command,
    expand_path,
    open_workspace,
    say,
)

if TYPE_CHECKING:
    from desktop.services.transfer.importing import ImportResult, Problem

# One per ImportKind, by its value (a test keeps them equal): the importers load only
# when a file is imported, not to list the kinds.
KINDS = {
    "clients": "import clients from a CSV or XLSX file",
    "sessions": "import sessions of clients already in the books",
    "payments": "import payments (applied to the oldest charges first)",
    "simplepractice": "import a SimplePractice appointment status report",
}
SIMPLEPRACTICE = "simplepractice"


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "import",
        help="bring clients, sessions or payments in from CSV or XLSX",
        description=(
            "Import a file in one of the layouts described in docs/IMPORT.md. The whole "
            "file is imported or, if any row has a problem, none of it; importing the "
            "same file again adds nothing."
        ),
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", title="kinds")
    kinds.required = True
    for kind, help_text in KINDS.items():
        sub = add_command(kinds, kind, help=help_text)
        sub.add_argument("file", type=expand_path, metavar="FILE", help="a .csv or .xlsx file")
        sub.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and list its problems; change nothing",
        )
        if kind == SIMPLEPRACTICE:
            sub.add_argument(
                "--assume-attended",
                action="store_true",
                help="the report has no Status column: read every appointment as attended",
            )
        else:
            sub.add_argument(
                "--map",
                action="append",
                default=[],
                metavar="THEIRS=OURS",
                help="read the file's column THEIRS as the layout's OURS (repeatable)",
            )
        sub.set_defaults(handler=run, import_kind=kind)
    every = add_command(
        kinds,
        "all",
        help="a whole export folder: settings, catalogs, clients, couples, diagnoses, "
        "sessions and payments",
    )
    every.add_argument("folder", type=expand_path, metavar="DIR", help="a folder export wrote")
    every.add_argument("--dry-run", action="store_true", help="check every file; change nothing")
    every.set_defaults(handler=run_all)


def run_all(args: argparse.Namespace) -> int:
    from desktop.services.transfer.importing import ImportRejected
    from desktop.services.transfer.importing.everything import import_folder, preview_folder

    folder: Path = args.folder
    if not folder.is_dir():
        raise UsageError(f"There is no folder at {folder}.")
    with open_workspace(args) as ws:
        if args.dry_run:
            preview = ws.read(preview_folder, folder)
            if preview.problems:
                _reject(_in_folder(folder, preview.problems))
            results = preview.results
        else:
            try:
                results = ws.run(import_folder, folder)
            except ImportRejected as exc:
                _reject(_in_folder(folder, exc.problems))
    for result in results:
        _summary(result, dry_run=args.dry_run)
    return EXIT_OK


def mapping(pairs: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        theirs, sep, ours = pair.partition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise UsageError(
                f"--map {pair!r}: write it as THEIRS=OURS, such as 'Client ID=client_ref'."
            )
        result[theirs.strip()] = ours.strip()
    return result


def run(args: argparse.Namespace) -> int:
    from desktop.services.transfer.importing import (
        ImportKind,
        ImportRejected,
        preview_import,
        run_import,
    )

    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"There is no file at {path}.")
    kind = ImportKind(args.import_kind)
    columns = mapping(getattr(args, "map", []))
    name = str(path)
    attended = getattr(args, "assume_attended", False)
    with open_workspace(args) as ws:
        if args.dry_run:
            preview = ws.read(
                preview_import, kind, path, columns, name=name, assume_attended=attended
            )
            if preview.problems:
                _reject(preview.problems)
            assert preview.result is not None
            _summary(preview.result, dry_run=True)
            return EXIT_OK
        try:
            result = ws.run(run_import, kind, path, columns, name=name, assume_attended=attended)
        except ImportRejected as exc:
            _reject(exc.problems)
    _summary(result, dry_run=False)
    return EXIT_OK


def _in_folder(folder: Path, problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Each problem named by its file's path, as the one-file imports name theirs."""
    return tuple(replace(p, file=str(folder / p.file)) for p in problems)


def _reject(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        print(" ".join(problem.line().split()), file=sys.stderr)
    count = len(problems)
    raise CliError(
        f"The file was not imported: {count} problem{'s' if count != 1 else ''}. "
        "Nothing was changed."
    )


def _summary(result: ImportResult, *, dry_run: bool) -> None:
    from desktop.services.transfer.importing.everything import summary_line

    say(summary_line(result, dry_run=dry_run))
    for note in result.notes:
        say(note)
    if result.ignored_columns:
        say(f"Ignored columns: {', '.join(result.ignored_columns)}.")
