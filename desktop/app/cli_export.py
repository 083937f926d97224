"""``quietledger export all --out DIR``: everything in the practice, to a new folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.app.cli_common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    add_command,
    db_path,
    expand_path,
    open_workspace,
    say,
)


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "export",
        help="take everything out: CSV files, one XLSX and the issued PDFs",
    )
    what = parser.add_subparsers(dest="what", metavar="WHAT", title="exports")
    what.required = True
    sub = add_command(
        what,
        "all",
        help="every table of the practice to a new folder (clients, sessions and payments "
        "in the import layouts)",
    )
    sub.add_argument(
        "--out",
        type=expand_path,
        required=True,
        metavar="DIR",
        help="a folder that does not exist yet (or is empty)",
    )
    sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop.services.transfer.exporting import gather, write_export

    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists and is not an empty folder; name a new one.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; create it or choose another.")
    if out.resolve() == db_path(args).parent.resolve():
        raise UsageError("--out is the practice file's own folder; name a new folder.")
    with open_workspace(args) as ws:
        bundle = ws.read(gather)
    result = write_export(bundle, out)
    say(f"Exported {len(result.files)} files to {result.folder}.")
    return EXIT_OK
