"""Printing issued documents, and statements for everyone who owes, from the Superbills page.

The print dialog is the one step left out: each test hands over a QPrinter
that writes a PDF file, and reads that file back.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QAction, QKeySequence, QPageRanges
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.app.demo_file import create_demo_file
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.domain.kinds import DocumentKind
from desktop.services.books import queries as books
from desktop.services.books import sessions
from desktop.services.documents import store as documents_store
from desktop.services.documents import superbills
from desktop.services.workspace import Workspace
from desktop.ui.background import JobResult
from desktop.ui.dialogs.statement_batch import StatementBatchDialog
from desktop.ui.document_output import Output
from desktop.ui.formatting import format_date
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.superbills import DocumentsButton
from desktop.ui.printing import letter_printer, print_pdf, sheet_plan, start_printing
from desktop.ui.runner import ActionRunner
from tests.services.documents.test_superbill_service import superbill_client, visit
from tests.ui.conftest import RecordingInteraction, close_runner
from tests.ui.test_superbills_page import superbills_page

LETTER = (612.0, 792.0)
DEMO_END = date(2026, 10, 15)


def pdf_printer(target: Path, copies: int = 1) -> QPrinter:
    """What the print dialog would hand back with "Print to file (PDF)" chosen."""
    printer = letter_printer("test")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setCopyCount(copies)
    return printer


def to_file(target: Path, copies: int = 1, seen: list[int] | None = None):  # type: ignore[no-untyped-def]
    """A ``choose_printer`` that keeps the dialog's defaults but prints to ``target``."""

    def choose(_parent: QWidget | None, printer: QPrinter, pages: int) -> QPrinter:
        if seen is not None:
            seen.append(pages)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setCopyCount(copies)
        return printer

    return choose


def reader(data: bytes | Path) -> PdfReader:
    return PdfReader(io.BytesIO(data if isinstance(data, bytes) else data.read_bytes()))


def sizes(pdf: PdfReader) -> set[tuple[float, float]]:
    return {(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages}


def issued_superbill(ws: Workspace) -> documents_store.IssuedDocument:
    unit = ws.run(superbill_client)
    for day in (2, 9, 16, 23):
        ws.run(sessions.record_session, visit(unit, date(2026, 2, day)))
    return ws.run(
        superbills.issue_superbill, unit, date(2026, 2, 1), date(2026, 2, 28), acknowledge=True
    )


def test_ctrl_p_prints_the_selected_superbill_on_letter(
    qtbot: QtBot,
    window: MainWindow,
    ui_workspace: Workspace,
    interaction: RecordingInteraction,
    tmp_path: Path,
) -> None:
    issued = issued_superbill(ui_workspace)
    stored = reader(ui_workspace.read(documents_store.reprint, issued.id))
    page = superbills_page(window)
    page.refresh()
    page.select_document(issued.id)
    target = tmp_path / "printed.pdf"
    offered: list[int] = []
    page.choose_printer = to_file(target, seen=offered)  # type: ignore[method-assign]
    print_action = next(
        a for a in window.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+P")
    )
    print_action.trigger()
    qtbot.waitUntil(lambda: page.last_print is not None, timeout=20000)
    assert page.last_print is not None
    assert page.last_print.ok, (page.last_print, interaction.errors)
    assert offered == [len(stored.pages)]  # the dialog's page range runs over the document
    printed = reader(target)
    assert len(printed.pages) == len(stored.pages)
    assert sizes(printed) == {LETTER}
    assert sizes(stored) == {LETTER}
    assert interaction.errors == []


def test_copies_page_range_and_order_decide_the_sheets(qtbot: QtBot, tmp_path: Path) -> None:
    printer = pdf_printer(tmp_path / "x.pdf", copies=2)
    if printer.supportsMultipleCopies():
        pytest.skip("this print engine makes copies itself")
    assert sheet_plan(printer, 3) == [0, 1, 2, 0, 1, 2]
    printer.setCollateCopies(False)
    assert sheet_plan(printer, 3) == [0, 0, 1, 1, 2, 2]
    ranges = QPageRanges()
    ranges.addRange(2, 3)
    printer.setPageRanges(ranges)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    printer.setCopyCount(1)
    assert sheet_plan(printer, 3) == [2, 1]


def test_copies_print_every_page_again_and_cancel_stops(
    qtbot: QtBot, ui_workspace: Workspace, tmp_path: Path
) -> None:
    issued = issued_superbill(ui_workspace)
    pdf = ui_workspace.read(documents_store.reprint, issued.id)
    target = tmp_path / "two.pdf"
    done = print_pdf(pdf, pdf_printer(target, copies=2))
    assert done is not None
    assert done.sheets == 2 * len(reader(pdf).pages)
    assert len(reader(target).pages) == done.sheets
    calls: list[tuple[int, int]] = []
    stopped = print_pdf(
        pdf, pdf_printer(tmp_path / "stopped.pdf"), lambda d, t: bool(calls.append((d, t)))
    )
    assert stopped is None
    assert calls == [(0, len(reader(pdf).pages))]


def test_a_printer_that_cannot_start_is_a_plain_message(
    qtbot: QtBot, ui_workspace: Workspace, interaction: RecordingInteraction, tmp_path: Path
) -> None:
    issued = issued_superbill(ui_workspace)
    pdf = ui_workspace.read(documents_store.reprint, issued.id)
    nowhere = tmp_path / "missing-folder" / "out.pdf"
    results: list[JobResult] = []
    start_printing(
        None, pdf, issued.number, interaction, choose=to_file(nowhere), on_done=results.append
    )
    qtbot.waitUntil(lambda: bool(results), timeout=20000)
    assert results[0].error is not None
    assert interaction.errors == [f"{nowhere} could not be written."]
    # Closing the dialog is not an error: nothing starts and nothing is said.
    assert start_printing(None, pdf, "x", interaction, choose=lambda *_: None) is None
    start_printing(None, b"not a pdf", "ST-2026-0001", interaction)
    assert interaction.errors[-1] == "ST-2026-0001 could not be read for printing."


def test_the_client_page_prints_a_statement(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, tmp_path: Path
) -> None:
    issued = issued_superbill(ui_workspace)
    window.open_unit(issued.unit_id)
    button = window.findChild(DocumentsButton)
    assert button is not None
    told: list[str] = []
    button.choose_output = lambda text: told.append(text) or Output.PRINT  # type: ignore[method-assign]
    target = tmp_path / "statement.pdf"
    button.choose_printer = to_file(target)  # type: ignore[method-assign]
    button.statement()
    assert button.issued is not None
    assert button.issued.kind is DocumentKind.STATEMENT
    assert told == [f"Statement {button.issued.number} is issued and kept."]
    qtbot.waitUntil(lambda: button.last_print is not None, timeout=20000)
    stored = reader(ui_workspace.read(documents_store.reprint, button.issued.id))
    printed = reader(target)
    assert len(printed.pages) == len(stored.pages)
    assert sizes(printed) == {LETTER}


# --- statements for everyone who owes, on a small demo practice ------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.qlb"
    create_demo_file(path, seed=3, years=1, clients=14, end=DEMO_END)
    return path


@pytest.fixture
def demo_window(
    qtbot: QtBot, demo_file: Path, tmp_path: Path, interaction: RecordingInteraction
) -> Iterator[MainWindow]:
    path = tmp_path / "demo.qlb"
    shutil.copy(demo_file, path)
    shutil.copy(demo_file.with_name("demo.qlb.keys"), tmp_path / "demo.qlb.keys")
    ws = Workspace.open(path, passphrase=DEMO_PASSPHRASE)
    runner = ActionRunner(ws, interaction)

    def opener(passphrase: str | None, recovery_key: str | None) -> Workspace:
        return Workspace.open(path, passphrase=passphrase, recovery_key=recovery_key)

    win = MainWindow(runner, opener, str(path), interaction, remember_geometry=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.idle.stop()
    close_runner(runner)


def test_statements_for_everyone_who_owes(
    qtbot: QtBot, demo_window: MainWindow, interaction: RecordingInteraction, tmp_path: Path
) -> None:
    balances = demo_window.runner.read(books.balances, DEMO_END)
    assert balances is not None
    owed = {unit: balance.net for unit, balance in balances.items() if balance.net > 0}
    assert len(owed) >= 2  # the demo has clients who owe, and the test can tell them apart
    page = superbills_page(demo_window)
    counted: list[str] = []

    def choose_date(dialog: StatementBatchDialog) -> bool:
        dialog.date.set_value(DEMO_END)
        counted.append(dialog.summary.text())
        assert dialog.issue_button.isEnabled()
        return True

    page.confirm_statements = choose_date  # type: ignore[method-assign]
    told: list[str] = []
    page.choose_output = lambda text: told.append(text) or Output.PRINT  # type: ignore[method-assign]
    target = tmp_path / "statements-printed.pdf"
    page.choose_printer = to_file(target)  # type: ignore[method-assign]
    page.issue_statements()
    qtbot.waitUntil(lambda: page.last_statements is not None, timeout=60000)
    batch = page.last_statements
    assert batch is not None
    assert batch.pdf is not None
    assert counted == [
        f"{len(owed)} clients owe on {format_date(DEMO_END)}; each gets a statement."
    ]
    assert {d.unit_id: d.balance for d in batch.issued} == owed
    assert all(d.kind is DocumentKind.STATEMENT for d in batch.issued)
    assert told[0].startswith(f"{len(owed)} statements issued")

    # The combined PDF is every stored statement, each in full and in order.
    combined = reader(batch.pdf)
    singles = [reader(demo_window.runner.read(documents_store.reprint, d.id)) for d in batch.issued]
    assert len(combined.pages) == sum(len(s.pages) for s in singles)
    text = "\n".join(p.extract_text() for p in combined.pages)
    for document in batch.issued:
        assert document.number in text
        assert f"${document.balance:,}" in text
    assert sizes(combined) == {LETTER}

    # ...and the printer got all of those pages, on Letter.
    qtbot.waitUntil(lambda: page.last_print is not None, timeout=60000)
    assert page.last_print is not None
    assert page.last_print.ok, interaction.errors
    printed = reader(target)
    assert len(printed.pages) == len(combined.pages)
    assert sizes(printed) == {LETTER}
    assert page.kind.currentText() == "Statements"
    page.model.fetch_all()
    listed = {row.id for row in page.model.rows()}
    assert {d.id for d in batch.issued} <= listed  # the list now shows the statements


def test_when_nobody_owes_no_statement_can_be_issued(
    window: MainWindow, ui_workspace: Workspace
) -> None:
    dialog = StatementBatchDialog(None, window.runner, date(2026, 2, 28))
    assert dialog.summary.text() == f"Nobody owes anything on {format_date(date(2026, 2, 28))}."
    assert not dialog.issue_button.isEnabled()
    issued_superbill(ui_workspace)  # four sessions in February, nothing paid
    dialog.count()
    assert dialog.owing == 1
    assert dialog.issue_button.isEnabled()
    dialog.date.line.setText("2/30/2026")
    assert dialog.as_of() is None
    assert not dialog.issue_button.isEnabled()
