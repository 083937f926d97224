"""``quietledger report claims`` and ``quietledger report payers``.

They are reports like the others, declared with ``cli_report.report``; the
command modules are all imported before any registers, so these two are
listed under ``quietledger report`` without cli_report naming them.
"""

from __future__ import annotations

import argparse

from desktop.app.cli_report import report
from desktop.domain.kinds import ClaimStatus
from desktop.reports.tabular import Table
from desktop.services.claims import tables as claims_tables
from desktop.services.workspace import Workspace


def _status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status",
        choices=[s.value for s in ClaimStatus],
        default=None,
        metavar="STATUS",
        help="only claims of this status: " + ", ".join(s.value for s in ClaimStatus),
    )


@report("claims", options=(_status,), help="every out-of-network claim and where it stands")
def claims(ws: Workspace, args: argparse.Namespace) -> Table:
    status = ClaimStatus(args.status) if args.status else None
    return ws.read(claims_tables.claims_table, status)


@report("payers", help="each payer's claims: share reimbursed, days to pay, denials")
def payers(ws: Workspace, args: argparse.Namespace) -> Table:
    return ws.read(claims_tables.payers_table)
