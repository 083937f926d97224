"""Each page's refresh is one read whose statements do not grow with the books.

Every list page (and the client page) reads everything it shows through one
services "view" function. Here each is run against a practice file with N
clients, sessions, payments, superbills and claims, and again after the file
has grown to 3N: the number of SQL statements sent must be the same, while
what the view shows must have grown (else the comparison proves nothing).
A statement per row, the N+1 pattern, fails this at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import Payer, PaymentMethod
from desktop.domain.kinds import DocumentKind
from desktop.domain.months import month_bounds, shift_month
from desktop.services.audit.review import AuditFilter
from desktop.services.audit.views import audit_page_view
from desktop.services.books import report_tables
from desktop.services.books.payments import PaymentInput, record_payment
from desktop.services.books.refunds import record_refund
from desktop.services.books.sessions import record_session
from desktop.services.books.views import (
    dashboard_view,
    payments_page_view,
    report_charts_view,
    sessions_page_view,
)
from desktop.services.books.voids import void_entry
from desktop.services.claims import tracking as claims
from desktop.services.claims.views import claims_page_view
from desktop.services.clients.lookups import FULL_SHARE
from desktop.services.clients.people import ClientInput, create_client
from desktop.services.clients.units import CoupleInput, MemberShare, create_family
from desktop.services.clients.views import client_page_view, clients_page_view
from desktop.services.documents.views import documents_page_view
from desktop.services.estimates.drafts import default_estimate
from desktop.services.estimates.issue import issue_estimate
from desktop.services.estimates.views import estimates_page_view
from desktop.services.month_end import tables as month_end_tables
from desktop.services.practice.settings import create_practice
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit
from tests.conftest import PASSPHRASE, practice_profile
from tests.services.claims.test_claims import superbill
from tests.services.documents.test_superbill_service import superbill_client, visit

N = 3
TODAY = date.today()
MONTH_START, MONTH_END = month_bounds(TODAY)
# Statements that are not questions asked of the books: the transaction around each read.
NOT_QUERIES = ("BEGIN", "ROLLBACK", "COMMIT", "SAVEPOINT", "RELEASE", "PRAGMA")


@dataclass
class Books:
    """The practice file being grown, and the ids the pages are asked about."""

    workspace: Workspace
    regular: int = 0  # a client whose own history grows with the practice
    claim: int = 0  # a claim the Claims page has open
    made: int = 0  # batches of clients made so far


def _method(session: Session) -> int:
    return session.execute(select(PaymentMethod.id).order_by(PaymentMethod.id)).scalars().first()


def _sessions_and_money(session: Session, unit: int, day: date, method: int) -> None:
    """A session, a payment that leaves credit, a refund of some of it, a voided payment."""
    record_session(session, visit(unit, day))
    paid = record_payment(session, PaymentInput(unit, day, D("200.00"), method))
    record_refund(session, unit, D("20.00"), day, payment_id=paid.id)
    bounced = record_payment(session, PaymentInput(unit, day, D("10.00"), method))
    void_entry(session, "payment", bounced.id, "Check returned", on=day)


def grow(books: Books, count: int) -> None:
    """``count`` more superbill clients and couples, each with today's sessions and
    payments (a couple is left owing), a superbill and its claim; the regular client
    gains as much."""

    def make(session: Session) -> None:
        method = _method(session)
        if not books.regular:
            books.regular = superbill_client(session, "REG", "Regan Marsh")
        aetna = session.execute(select(Payer.id).where(Payer.name == "Aetna")).scalar_one()
        for i in range(books.made, books.made + count):
            ref = f"R{i:03d}"
            unit = superbill_client(session, ref, f"Robin{i} Quill")
            couple = add_unit(session, f"CPL{i:03d}", f"Alex{i} Roe", f"Sam{i} Roe")
            for who in (unit, couple):
                _sessions_and_money(session, who, TODAY, method)
            issue_estimate(session, default_estimate(session, unit, TODAY, TODAY), TODAY)
            record_session(session, visit(couple, TODAY, "90837"))  # left owing
            _sessions_and_money(session, books.regular, TODAY - timedelta(days=i), method)
            for who_ref in (ref, "REG"):
                served = shift_month(MONTH_START, -1) + timedelta(days=i)
                document = superbill(session, who_ref, aetna, [served])
                started = claims.start_claims(session, document, today=TODAY)
                books.claim = books.claim or started[0].id
        books.made += count

    books.workspace.run(make)


@dataclass(frozen=True)
class PageRead:
    """A page's refresh: its view function, and a measure of what it shows that grows
    with the books."""

    page: str
    read: Callable[[Session, Books], Any]
    shown: Callable[[Any], object]


def _labels(session: Session) -> month_end_tables.ClientLabels:
    return month_end_tables.client_labels(session, full_names=True)


READS = (
    PageRead(
        "clients",
        lambda s, _b: clients_page_view(s, include_inactive=True),
        lambda v: len(v.units),
    ),
    PageRead(
        "clients, one open",
        lambda s, b: clients_page_view(s, open_unit_id=b.regular),
        lambda v: (len(v.units), len(v.open_unit.ledger)),
    ),
    PageRead(
        "client page",
        lambda s, b: client_page_view(s, b.regular),
        lambda v: (len(v.ledger), len(v.claims)),
    ),
    PageRead("sessions", lambda s, _b: sessions_page_view(s, TODAY), lambda v: len(v.sessions)),
    PageRead("payments", lambda s, _b: payments_page_view(s, TODAY), lambda v: len(v.payments)),
    PageRead("dashboard", lambda s, _b: dashboard_view(s, TODAY), lambda v: v.month.charges),
    PageRead(
        "claims",
        lambda s, b: claims_page_view(s, TODAY, b.claim),
        lambda v: (len(v.claims), len(v.queue), v.insights[0].claims),
    ),
    PageRead(
        "audit",
        lambda s, _b: audit_page_view(s, AuditFilter(), page_size=200),
        lambda v: (len(v.units), v.chain.entries),
    ),
    PageRead("estimates", lambda s, _b: estimates_page_view(s, TODAY), lambda v: len(v.estimates)),
    PageRead(
        "superbills",
        lambda s, _b: documents_page_view(s, DocumentKind.SUPERBILL),
        lambda v: len(v.documents),
    ),
    PageRead(
        "superbills, every kind",
        lambda s, _b: documents_page_view(s, None),
        lambda v: len(v.documents),
    ),
    PageRead(
        "reports: charts",
        lambda s, _b: report_charts_view(s, MONTH_START, TODAY),
        lambda v: (sum(row.count for row in v.income), len(v.aging.rows)),
    ),
    # The Reports page's tables, each one read as the page reads it.
    PageRead(
        "reports: aging",
        lambda s, _b: report_tables.aging_table(s, TODAY),
        lambda t: len(t.rows),
    ),
    PageRead(
        "reports: roll-forward",
        lambda s, _b: report_tables.rollforward_table(s, MONTH_START, MONTH_END),
        lambda t: t.rows[1],
    ),
    PageRead(
        "reports: income",
        lambda s, _b: report_tables.income_table(s, MONTH_START, MONTH_END),
        lambda t: t.total,
    ),
    PageRead(
        "reports: by service",
        lambda s, _b: report_tables.charges_by_service_table(s, MONTH_START, MONTH_END),
        lambda t: t.total,
    ),
    PageRead(
        "reports: balances",
        lambda s, _b: report_tables.balances_table(s, TODAY),
        lambda t: len(t.rows),
    ),
    PageRead(
        "reports: credit",
        lambda s, _b: month_end_tables.credit_table(s, TODAY, _labels(s)),
        lambda t: len(t.rows),
    ),
    PageRead(
        "reports: refunds",
        lambda s, _b: month_end_tables.refunds_table(s, MONTH_START, MONTH_END, _labels(s)),
        lambda t: len(t.rows),
    ),
)


def statements(workspace: Workspace, read: Callable[[Session], Any]) -> tuple[list[str], Any]:
    """The SQL statements one read sends, and what it returned.

    The read runs once first, so that what a file caches on its first use (its
    settings, a connection) is not counted against the smaller file only.
    """
    workspace.read(read)
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not statement.lstrip().upper().startswith(NOT_QUERIES):
            sent.append(statement)

    engine = workspace.practice_file.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        value = workspace.read(read)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return sent, value


Measured = dict[str, tuple[list[str], object]]


def measure(books: Books) -> Measured:
    found: Measured = {}
    for page in READS:
        sent, view = statements(books.workspace, lambda s, page=page: page.read(s, books))
        found[page.page] = (sent, page.shown(view))
    return found


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Measured, Measured]]:
    """Each page measured on a practice of N clients, then on the same grown to 3N."""
    path: Path = tmp_path_factory.mktemp("scaling") / "books.qlb"
    workspace = Workspace.create(path, PASSPHRASE)
    try:
        workspace.run(create_practice, practice_profile(), user_name="Dana Whitfield")
        books = Books(workspace)
        grow(books, N)
        small = measure(books)
        grow(books, 2 * N)
        yield small, measure(books)
    finally:
        workspace.close()


@pytest.mark.parametrize("page", [read.page for read in READS])
def test_a_refresh_sends_as_many_statements_however_large_the_books(
    measured: tuple[Measured, Measured], page: str
) -> None:
    (small_sent, small_shown), (large_sent, large_shown) = (sizes[page] for sizes in measured)
    assert small_shown != large_shown, "the books grew, but what the page shows did not"
    assert len(large_sent) == len(small_sent), "\n\n".join(large_sent)


def test_a_family_page_reads_its_members_at_once(workspace: Workspace) -> None:
    """The members table of a couple or family is a list too: six members cost what two do."""

    def family(session: Session, surname: str, firsts: list[str]) -> int:
        people = [
            create_client(session, ClientInput(legal_last_name=surname, legal_first_name=first)).id
            for first in firsts
        ]
        shares = [FULL_SHARE // len(people)] * len(people)
        shares[0] += FULL_SHARE - sum(shares)
        members = tuple(MemberShare(who, share) for who, share in zip(people, shares, strict=True))
        return create_family(
            session, CoupleInput(members=members, identified_patient_id=people[0])
        ).unit_id

    two = workspace.run(family, "Lane", ["Ada", "Ben"])
    six = workspace.run(family, "Moss", ["Cy", "Di", "Ed", "Flo", "Gus", "Hal"])
    sent_two, page_two = statements(workspace, lambda s: client_page_view(s, two))
    sent_six, page_six = statements(workspace, lambda s: client_page_view(s, six))
    assert (len(page_two.unit.members), len(page_six.unit.members)) == (2, 6)
    assert len(sent_six) == len(sent_two), "\n\n".join(sent_six)
