"""``quietledger report claims`` and ``quietledger report payers``.

They are reports like the others, declared with ``cli_report.report``;
``cli.COMMANDS`` names this module among those of ``report``, so it is imported
before ``report`` registers and these two are listed under ``quietledger report``
without cli_report naming them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop.app.cli_report import report
from desktop.domain.appeals import AppealLevel
from desktop.domain.kinds import ClaimStatus

if TYPE_CHECKING:
    from desktop.reports.tabular import Table
    from desktop.services.workspace import Workspace


def _status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status",
        choices=[s.value for s in ClaimStatus],
        default=None,
        metavar="STATUS",
        help="only claims of this status: " + ", ".join(s.value for s in ClaimStatus),
    )


_STEPS = {level.value_name: level for level in AppealLevel if level is not AppealLevel.NONE}


def _step(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--step",
        choices=list(_STEPS),
        default=None,
        metavar="STEP",
        help="only claims at this step of the appeal chain: " + ", ".join(_STEPS),
    )


@report(
    "claims",
    options=(_status, _step),
    help="every out-of-network claim, where it stands and its appeal step",
)
def claims(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.claims.tables import claims_table

    status = ClaimStatus(args.status) if args.status else None
    step = _STEPS[args.step] if args.step else None
    return ws.read(claims_table, status, step=step)


@report("payers", help="each payer's claims: share reimbursed, days to pay, denials")
def payers(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.claims.tables import payers_table

    return ws.read(payers_table)
