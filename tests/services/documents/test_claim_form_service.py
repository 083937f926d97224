"""CMS-1500 claim forms from the books: the superbill's checks plus the form's, kept like it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Document, DocumentLine
from db.models import Session as SessionRecord
from desktop.domain.kinds import DocumentKind
from desktop.services.books import sessions
from desktop.services.documents import claim_forms, print_offset, superbills
from desktop.services.documents import store as documents_store
from desktop.services.documents.blocks import CheckFailed
from desktop.services.errors import InvalidInput
from desktop.services.workspace import Workspace
from tests.reports.claim_form_reading import captions, placed_text
from tests.services.documents.test_superbill_service import (
    FEB_1,
    FEB_28,
    ISSUED,
    february,
    superbill_client,
    visit,
)


def with_sex(session: Session, sex: str = "F") -> int:
    unit = february(session)
    client = session.execute(select(Client).where(Client.client_ref == "K1")).scalar_one()
    client.sex = sex
    return unit


def issue(ws: Workspace, unit: int, **kwargs: object) -> documents_store.IssuedDocument:
    kwargs.setdefault("issued_on", ISSUED)
    return ws.run(claim_forms.issue_claim_form, unit, FEB_1, FEB_28, **kwargs)  # type: ignore[arg-type]


def test_a_claim_form_is_issued_numbered_and_kept_from_the_superbill_lines(
    workspace: Workspace,
) -> None:
    unit = workspace.run(with_sex)
    issued = issue(workspace, unit)
    assert (issued.number, issued.kind) == ("CF-2026-0001", DocumentKind.CLAIM_FORM)
    assert (issued.total_charged, issued.total_paid) == (D("340.00"), D("150.00"))
    pdf = workspace.read(documents_store.reprint, issued.id)
    cells = placed_text(pdf)
    assert cells[(10, 1)] == "DOYLE, KATHERINE"  # 2: the legal name, never "Kit"
    assert cells[(10, 47)] == "X"  # 3: F, from the client record
    assert cells[(8, 50)] == "W123456789"  # 1a
    assert cells[(38, 3)] == "F4323"  # 21 A
    assert [cells[(44, 25)], cells[(46, 25)]] == ["90834", "90837"]  # 24D, late fees left off
    assert (cells[(46, 19)], cells[(46, 32)]) == ("10", "95")
    assert "PATIENT'S NAME" in captions(pdf)  # plain paper: the form is drawn

    def stored(session: Session) -> list[str]:
        lines = session.scalars(
            select(DocumentLine.code).where(DocumentLine.document_id == issued.id)
        )
        return list(lines)

    assert workspace.read(stored) == ["90834", "90837"]


def test_a_superbill_for_the_dates_does_not_block_the_form(workspace: Workspace) -> None:
    unit = workspace.run(with_sex)
    workspace.run(superbills.issue_superbill, unit, FEB_1, FEB_28, issued_on=ISSUED)
    assert issue(workspace, unit).number == "CF-2026-0001"


def test_a_second_form_for_the_same_dates_asks_first(workspace: Workspace) -> None:
    unit = workspace.run(with_sex)
    issue(workspace, unit)
    with pytest.raises(CheckFailed) as refused:
        issue(workspace, unit)
    assert any("already on claim form CF-2026-0001" in p for p in refused.value.problems)
    assert issue(workspace, unit, acknowledge=True).number == "CF-2026-0002"


def test_unrecorded_sex_is_a_warning_and_item_3_stays_blank(workspace: Workspace) -> None:
    unit = workspace.run(with_sex, "")
    found = workspace.read(claim_forms.check, unit, FEB_1, FEB_28, issued_on=ISSUED)
    assert [f.text for f in found if "sex is not recorded" in f.text]
    assert not any(f.blocks for f in found)
    cells = placed_text(
        workspace.read(documents_store.reprint, issue(workspace, unit, acknowledge=True).id)
    )
    assert (10, 42) not in cells
    assert (10, 47) not in cells


def test_checker_errors_refuse_and_store_nothing(workspace: Workspace) -> None:
    def bad_codes(session: Session) -> int:
        unit = superbill_client(session, sex="M")
        sessions.record_session(session, visit(unit, date(2026, 2, 2)))
        # Codes that came in before they were checked: straight into the record.
        record = sessions.record_session(session, visit(unit, date(2026, 2, 9)))
        row = session.get(SessionRecord, record.id)
        assert row is not None
        row.place_of_service, row.modifiers = "88", "ZZ"
        return unit

    unit = workspace.run(bad_codes)
    with pytest.raises(CheckFailed) as refused:
        issue(workspace, unit, acknowledge=True)
    problems = " ".join(refused.value.problems)
    assert "88 is not a CMS place-of-service code" in problems
    assert "ZZ is not a modifier" in problems
    count = workspace.read(
        lambda s: len(list(s.scalars(select(Document).where(Document.kind == "claim_form"))))
    )
    assert count == 0


def test_the_data_only_print_uses_the_printer_offset(workspace: Workspace) -> None:
    unit = workspace.run(with_sex)
    offset = print_offset.PrintOffset(
        print_offset.to_points("1", print_offset.OffsetUnit.TENTHS, "right"),
        print_offset.to_points("12", print_offset.OffsetUnit.POINTS, "down"),
    )
    workspace.run(print_offset.set_print_offset, offset)
    pdf = workspace.read(documents_store.reprint, issue(workspace, unit, data_only=True).id)
    assert captions(pdf) == ""
    assert placed_text(pdf)[(11, 2)] == "DOYLE, KATHERINE"  # a column right, a line down


def test_an_offset_over_an_inch_is_refused(workspace: Workspace) -> None:
    with pytest.raises(InvalidInput, match="at most an inch"):
        workspace.run(print_offset.set_print_offset, print_offset.PrintOffset(D("80"), D("0")))
    with pytest.raises(InvalidInput, match="not a number"):
        print_offset.to_points("a bit", print_offset.OffsetUnit.POINTS, "right")
