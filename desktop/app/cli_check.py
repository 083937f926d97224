"""``quietledger check``: verify a practice file (database, encryption, audit chain, ledger)."""

from __future__ import annotations

import argparse

from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    Subparsers,
    add_command,
    open_workspace,
    say,
)
from desktop.services.audit.checks import CHECKS_DONE, run_checks


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "check",
        help="verify the practice file",
        description=(
            "Verify the practice file: database integrity, foreign keys, encrypted pages, "
            "the audit chain and the ledger's balances. Exit status 1 if anything is wrong."
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        name = workspace.path.name
        problems = run_checks(workspace)
    if not problems:
        say(f"OK: {name} passed every check ({', '.join(CHECKS_DONE)}).")
        return EXIT_OK
    for problem in problems:
        say(problem)
    return EXIT_FAILED
