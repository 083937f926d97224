"""``quietledger gfe`` and ``quietledger report gfe``: Good Faith Estimates.

``gfe`` checks, issues and saves an estimate for a client. Without ``--expect``
it expects the client's usual service at their usual fee, weekly, for the
practice's usual number of sessions; each ``--expect CODE=COUNT`` lists one
expected service instead, at the client's fee for it. The period runs 12
months from the first session unless ``--through`` ends it sooner. When the
check finds a problem nothing is issued and no file is written: each reason
goes on its own line of stderr and the exit status is 1.

``report gfe`` lists every current estimate with its deadline, what has been
billed against it and its status.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    Subparsers,
    add_command,
    open_workspace,
    say,
)
from desktop.app.cli_documents import _check_out, _client, _out, _write
from desktop.app.cli_report import iso_date, report

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.reports.tabular import Table
    from desktop.services.estimates.drafts import ExpectedService
    from desktop.services.estimates.issue import IssuedEstimate
    from desktop.services.workspace import Workspace

_EXPECT = re.compile(r"([A-Za-z0-9+._-]{1,12})=([0-9]{1,4})")


def expected(text: str) -> tuple[str, int]:
    """CODE=COUNT, such as 90837=24."""
    match = _EXPECT.fullmatch(text.strip())
    if match and int(match[2]) >= 1:
        return match[1], int(match[2])
    raise argparse.ArgumentTypeError(
        f"{text!r} is not an expected service; use CODE=COUNT, such as 90837=24"
    )


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "gfe",
        help="issue a Good Faith Estimate for a client",
        description=(
            "Check, issue and save a Good Faith Estimate (45 CFR 149.610). Without --expect "
            "it expects the client's usual service at their usual fee, weekly, for the "
            "practice's usual number of sessions. Problems are listed one per line and "
            "nothing is issued (exit status 1)."
        ),
    )
    _client(parser)
    day = {"type": iso_date, "metavar": "DATE"}
    parser.add_argument(
        "--scheduled-on",
        dest="scheduled_on",
        required=True,
        help="the day the first session was scheduled (or asked for, with --requested)",
        **day,
    )
    parser.add_argument(
        "--first-session", dest="first_session", required=True, help="the first session", **day
    )
    parser.add_argument(
        "--requested",
        action="store_true",
        help="the client asked for an estimate on --scheduled-on (due in 3 business days)",
    )
    parser.add_argument(
        "--expect",
        type=expected,
        action="append",
        default=[],
        metavar="CODE=COUNT",
        help="an expected service and how many; repeat for each (default: the usual service)",
    )
    parser.add_argument(
        "--through",
        default=None,
        help="the last day the estimate covers (default and longest: 12 months)",
        **day,
    )
    _out(parser)
    parser.set_defaults(handler=run_gfe)


def run_gfe(args: argparse.Namespace) -> int:
    from desktop.services.clients.lookups import unit_by_ref
    from desktop.services.documents.blocks import CheckFailed
    from desktop.services.documents.store import reprint
    from desktop.services.estimates.drafts import ExpectedService, default_estimate
    from desktop.services.estimates.issue import issue_estimate

    items: tuple[ExpectedService, ...] = tuple(
        ExpectedService(code, count) for code, count in args.expect
    )

    def issue_and_write(session: Session) -> IssuedEstimate:
        unit = unit_by_ref(session, args.client_ref)
        data = default_estimate(
            session, unit.id, args.scheduled_on, args.first_session, args.requested
        )
        data = replace(data, items=items or data.items, through=args.through)
        issued = issue_estimate(session, data)
        _write(args.out, reprint(session, issued.document.id))
        return issued

    _check_out(args)
    with open_workspace(args) as ws:
        try:
            issued = ws.run(issue_and_write)
        except CheckFailed as failed:
            for problem in failed.problems:
                print(problem, file=sys.stderr, flush=True)
            return EXIT_FAILED
    say(
        f"Issued Good Faith Estimate {issued.label} for {issued.document.client_name}: "
        f"{issued.sessions} sessions, total {issued.total:,.2f}; saved to {args.out}."
    )
    if issued.late:
        assert issued.due_by is not None
        say(f"It was due by {issued.due_by:%Y-%m-%d}: it is late, and shown so.")
    return EXIT_OK


@report("gfe", help="every current Good Faith Estimate: deadline, billed against it, status")
def estimates(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.estimates.tables import estimates_table

    return ws.read(estimates_table)
