"""The Payments page and the client's ledger: pay, see it applied, apply by hand, void."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.services.books import queries as books
from desktop.services.books.payment_list import list_payments
from desktop.services.books.sessions import SessionInput, record_session
from desktop.services.clients.people import ClientInput, create_client
from desktop.services.clients.units import CoupleInput, MemberShare, create_couple, list_units
from desktop.services.practice.catalog import list_payment_methods
from desktop.ui.dialogs.money_actions import VoidDialog
from desktop.ui.dialogs.payment import AllocationDialog, PaymentDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.pages.payments import PaymentsPage
from desktop.ui.runner import ActionRunner
from tests.ui.test_sessions_page import make_client


def test_record_a_payment_and_see_balance_and_credit(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    unit_id = make_client(runner)
    runner.run(record_session, SessionInput(unit_id, date.today(), "90837", fee=Decimal("150")))
    window.show_page("payments")
    page = window.page("payments")
    assert isinstance(page, PaymentsPage)
    seen: dict[str, object] = {}

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PaymentDialog)
        dialog.client.setCurrentIndex(dialog.client.findData(unit_id))
        seen["prefilled"] = dialog.amount.value()
        dialog.amount.clear()
        qtbot.keyClicks(dialog.amount, "$1,50x")
        seen["bad"] = dialog.save_button.isEnabled()
        dialog.amount.clear()
        qtbot.keyClicks(dialog.amount, "$200.00")
        seen["plan"] = dialog.plan.text()
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_and_save)
    qtbot.keyClick(
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen["prefilled"] == Decimal("150.00")
    assert seen["bad"] is False
    assert "Credit on account: $50.00" in str(seen["plan"])
    [payment] = page.model.rows()
    assert (payment.amount, payment.applied, payment.unapplied) == (
        Decimal("200.00"),
        Decimal("150.00"),
        Decimal("50.00"),
    )
    page.table.selectRow(0)
    assert page.allocations.total() == 1
    assert runner.read(books.balance, unit_id) == books.Balance(Decimal("0.00"), Decimal("50.00"))

    window.show_page("clients")
    clients = window.page("clients")
    assert isinstance(clients, ClientsPage)
    clients.open_unit(unit_id)
    ledger = clients.detail.ledger
    assert [line.kind for line in ledger.model.rows()] == ["charge", "payment"]
    assert ledger.total.text() == "Balance: $50.00 credit"


def test_void_a_payment_with_a_reason(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    from desktop.services.books.payments import PaymentInput, record_payment
    from desktop.services.practice.catalog import list_payment_methods

    unit_id = make_client(runner)
    method = (runner.read(list_payment_methods) or [])[0]
    runner.run(record_payment, PaymentInput(unit_id, date.today(), Decimal("80"), method.id))
    window.show_page("payments")
    page = window.page("payments")
    assert isinstance(page, PaymentsPage)
    page.table.selectRow(0)

    def give_reason() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VoidDialog)
        qtbot.keyClicks(dialog.reason, "cheque bounced")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    QTimer.singleShot(0, give_reason)
    page.void_selected()
    assert [p.voided for p in runner.read(list_payments) or []] == [True]
    assert runner.read(books.balance, unit_id) == books.NO_BALANCE


def test_apply_a_payment_by_hand(qtbot: QtBot, window: MainWindow, runner: ActionRunner) -> None:
    from desktop.services.books.payments import PaymentInput, open_charges, record_payment

    unit_id = make_client(runner)
    for day in (date.today() - timedelta(days=7), date.today()):
        runner.run(record_session, SessionInput(unit_id, day, "90837", fee=Decimal("150")))
    method = (runner.read(list_payment_methods) or [])[0]
    runner.run(record_payment, PaymentInput(unit_id, date.today(), Decimal("200"), method.id))
    [paid] = runner.read(list_payments) or []
    older, newer = (a.charge_id for a in paid.allocations)  # oldest first: $150, then $50
    dialog = AllocationDialog(window, runner, paid, runner.read(open_charges, unit_id) or [])
    qtbot.addWidget(dialog)
    # What the payment pays now is open again: $150 on each charge.
    assert dialog.edits[older].text() == "150.00"
    assert dialog.edits[newer].text() == "50.00"
    # More than was paid, in all: no one field is wrong, so the hint line says it.
    dialog.edits[newer].clear()
    qtbot.keyClicks(dialog.edits[newer], "100")
    assert not dialog.save_button.isEnabled()
    assert dialog.hint.text() == "That applies $250.00, more than was paid."
    dialog.edits[older].clear()
    dialog.edits[newer].clear()
    qtbot.keyClicks(dialog.edits[newer], "150.01")
    assert not dialog.save_button.isEnabled()
    assert dialog.form.message(f"charge_{newer}") == "At most $150.00 is open."
    dialog.edits[newer].clear()
    qtbot.keyClicks(dialog.edits[newer], "120")
    assert dialog.left.text() == "Left as credit: $80.00"
    assert dialog.save_button.isEnabled()
    dialog.save()
    assert dialog.result() == AllocationDialog.DialogCode.Accepted
    [paid] = runner.read(list_payments) or []
    assert [(a.charge_id, a.amount, a.manual) for a in paid.allocations] == [
        (newer, Decimal("120.00"), True)
    ]
    assert paid.unapplied == Decimal("80.00")


def test_the_new_models_pass_the_model_tester(
    qtmodeltester: object, window: MainWindow, runner: ActionRunner
) -> None:
    from desktop.ui.pages.sessions import SessionsPage

    unit_id = make_client(runner)
    runner.run(record_session, SessionInput(unit_id, date.today(), "90837"))
    for page_id in ("sessions", "payments", "clients"):
        window.show_page(page_id)
    sessions = window.page("sessions")
    payments = window.page("payments")
    clients = window.page("clients")
    assert isinstance(sessions, SessionsPage)
    assert isinstance(payments, PaymentsPage)
    assert isinstance(clients, ClientsPage)
    clients.open_unit(unit_id)
    for model in (
        sessions.model,
        payments.model,
        payments.allocations,
        clients.detail.ledger.model,
    ):
        qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]


def test_a_couple_splits_one_payment_between_its_members(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    alex = runner.run(create_client, ClientInput(legal_first_name="Alex", legal_last_name="Roe"))
    sam = runner.run(create_client, ClientInput(legal_first_name="Sam", legal_last_name="Roe"))
    assert alex is not None
    assert sam is not None
    couple = runner.run(
        create_couple,
        CoupleInput(
            members=(MemberShare(alex.id, 5000), MemberShare(sam.id, 5000)),
            identified_patient_id=sam.id,
        ),
    )
    assert couple is not None
    runner.run(
        record_session, SessionInput(couple.unit_id, date.today(), "90847", fee=Decimal("175"))
    )
    dialog = PaymentDialog(
        window, runner, runner.read(list_units) or [], runner.read(list_payment_methods) or []
    )
    qtbot.addWidget(dialog)
    dialog.show()
    # The couple is picked once the dialog is up, as a person types it.
    dialog.client.setCurrentIndex(dialog.client.findData(couple.unit_id))
    assert dialog.amount.value() == Decimal("175.00")
    parts_row = dialog.parts_box.parentWidget()
    assert not parts_row.isVisible()  # only when splitting
    dialog.payer.setCurrentIndex(dialog.payer.findData(-1))
    assert parts_row.isVisible()
    edits = dict(dialog.part_edits)
    first, second = edits[alex.id], edits[sam.id]
    assert (first.value(), second.value()) == (Decimal("87.50"), Decimal("87.50"))
    # The keyboard reaches the parts straight after "Paid by", in order.
    (_, top), (_, below) = dialog.part_edits  # as the rows are shown
    assert _next_tab_stop(dialog.payer) is top
    assert _next_tab_stop(top) is below
    first.clear()
    qtbot.keyClicks(first, "100")
    assert not dialog.save_button.isEnabled()
    assert dialog.form.message("parts") == "The parts add up to $187.50; the payment is $175.00."
    second.clear()
    qtbot.keyClicks(second, "75")
    assert dialog.save_button.isEnabled()
    dialog.save()
    assert dialog.result() == PaymentDialog.DialogCode.Accepted

    payments = runner.read(list_payments, unit_id=couple.unit_id) or []
    paid_by = sorted((p.payer_client_id, p.amount, p.applied) for p in payments)
    assert paid_by == sorted(
        [
            (alex.id, Decimal("100.00"), Decimal("100.00")),
            (sam.id, Decimal("75.00"), Decimal("75.00")),
        ]
    )
    [unit] = [u for u in runner.read(list_units) or [] if u.unit_id == couple.unit_id]
    assert unit.owed == Decimal("0.00")


def _next_tab_stop(widget: QWidget) -> QWidget:
    """Where Tab goes from ``widget``: the next visible, enabled widget that takes Tab."""
    candidate = widget.nextInFocusChain()
    while not (
        candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
        and candidate.isVisible()
        and candidate.isEnabled()
    ):
        candidate = candidate.nextInFocusChain()
    return candidate
