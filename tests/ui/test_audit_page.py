"""Audit review: the log filtered by client and kind of change, and the chain's state."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from desktop.services.clients.people import ClientInput, create_client
from desktop.services.workspace import Workspace
from desktop.ui import style
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.audit import AuditReviewPage


def audit_page(window: MainWindow) -> AuditReviewPage:
    window.show_page("audit")
    page = window.page("audit")
    assert isinstance(page, AuditReviewPage)
    return page


def clients_shown(page: AuditReviewPage) -> set[str]:
    return {row.unit_ref for row in page.model.rows()}


def test_filter_by_client_kind_and_date_and_see_the_chain_intact(window: MainWindow) -> None:
    runner = window.runner
    alex = runner.run(create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera"))
    runner.run(create_client, ClientInput(legal_first_name="Sam", legal_last_name="Chen"))
    assert alex is not None
    page = audit_page(window)
    assert page.chain.text().startswith("The audit trail is intact")
    everything = page.model.total()
    assert everything >= 2
    assert page.count.text() == f"{everything} of {everything} entries"

    page.client.setCurrentIndex(page.client.findData(alex.unit_id))
    page.show_entries()
    assert clients_shown(page) == {alex.data.client_ref}

    page.client.setCurrentIndex(0)
    kinds = [page.kind.itemText(i) for i in range(page.kind.count())]
    assert "Every change" in kinds
    # Kinds of change in words; choosing one shows only that kind.
    assert "Client added" in kinds
    page.kind.setCurrentIndex(page.kind.findText("Client added"))
    page.show_entries()
    assert {(r.entity, r.action) for r in page.model.rows()} == {("client", "create")}
    sentences = {page.model.index(i, 3).data() for i in range(page.model.rowCount())}
    assert sentences == {"Client Alex Rivera added", "Client Sam Chen added"}
    assert [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(5)] == [
        "#",
        "When",
        "Who",
        "What happened",
        "Client ref.",
    ]

    page.kind.setCurrentIndex(0)
    page.end.set_value(date.today() - timedelta(days=2))
    page.show_entries()
    assert page.model.total() == 0

    page.end.set_value(None)
    page.show_entries()
    page.table.selectRow(0)
    assert "After:" in page.detail.toPlainText()
    assert page.detail.toPlainText().startswith("Client ")


def test_a_broken_chain_is_shown(window: MainWindow, ui_workspace: Workspace) -> None:
    window.runner.run(create_client, ClientInput(legal_first_name="Jo", legal_last_name="Park"))
    conn = ui_workspace.practice_file.raw_connection()
    try:
        conn.execute("DROP TRIGGER trg_audit_log_no_update")
        conn.execute("UPDATE audit_log SET user_name = 'someone else' WHERE id = 1")
    finally:
        conn.close()
    page = audit_page(window)
    assert page.chain.text().startswith("THE AUDIT TRAIL HAS BEEN ALTERED")
    assert page.chain.palette().color(page.chain.foregroundRole()) == style.error_color(page.chain)
