"""``quietledger cms1500``: issue a CMS-1500 (02/12) claim form and save its PDF.

The form is checked like a superbill (with the form's own checks), issued,
kept in the practice file and written to ``--out`` in the same transaction. A
check with errors (or warnings, without ``--acknowledge-warnings``) issues
nothing and writes no file: each reason goes on its own line of stderr and the
exit status is 1.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop.app.cli_common import Subparsers, UsageError, add_command
from desktop.app.cli_documents import _acknowledge, _client, _issue_to_file, _out
from desktop.app.cli_report import iso_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.services.documents.store import IssuedDocument


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "cms1500",
        help="issue a CMS-1500 claim form for a client over a period",
        description=(
            "Check, issue and save a CMS-1500 (02/12) claim form for a client (for a couple "
            "or family, the identified patient) over a period: the whole form on plain paper, "
            "or with --data-only just the data, for the red pre-printed form (shifted by the "
            "printer offset in Settings). Problems found by the check are listed one per line "
            "and nothing is issued (exit status 1)."
        ),
    )
    _client(parser)
    day = {"type": iso_date, "required": True, "metavar": "DATE"}
    parser.add_argument("--from", dest="start", help="first day of the period", **day)
    parser.add_argument("--to", dest="end", help="last day of the period, included", **day)
    parser.add_argument(
        "--data-only",
        action="store_true",
        help="print only the data, aligned to the red pre-printed form",
    )
    _acknowledge(parser)
    _out(parser)
    parser.set_defaults(handler=run_cms1500)


def run_cms1500(args: argparse.Namespace) -> int:
    from desktop.services.clients.lookups import unit_by_ref
    from desktop.services.documents.claim_forms import issue_claim_form

    if args.start > args.end:
        raise UsageError("--to is before --from; the period ends before it starts.")

    def issue(session: Session) -> IssuedDocument:
        unit = unit_by_ref(session, args.client_ref)
        return issue_claim_form(
            session,
            unit.id,
            args.start,
            args.end,
            data_only=args.data_only,
            acknowledge=args.acknowledge_warnings,
        )

    return _issue_to_file(args, issue)
