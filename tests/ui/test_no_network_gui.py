"""No network from the window: a flow through every page with sockets made to fail."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.books.payments import PaymentInput, record_payment
from desktop.services.books.sessions import list_sessions
from desktop.services.clients.people import ClientInput, create_client
from desktop.services.practice.catalog import list_payment_methods
from desktop.ui.dialogs.session import SessionDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PAGE_IDS
from desktop.ui.runner import ActionRunner


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to reach the network raises, and is written down."""
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., object]:
        def stand_in(*args: object, **kwargs: object) -> object:
            attempts.append(name)
            raise OSError(f"{name} is not allowed in this test")

        return stand_in

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    return attempts


def test_every_page_and_a_day_of_work_never_touch_the_network(
    network_attempts: list[str], qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    detail = runner.run(
        create_client, ClientInput(legal_last_name="Okafor", legal_first_name="Ben")
    )
    assert detail is not None

    window.show_page("sessions")

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SessionDialog)
        dialog.client.setCurrentIndex(dialog.client.findData(detail.unit_id))
        dialog.minutes.setValue(53)
        dialog.minutes.editingFinished.emit()
        qtbot.keyClick(dialog.memo, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_and_save)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    charged = runner.read(list_sessions, unit_id=detail.unit_id)[0].charged
    assert charged > 0

    method = runner.read(list_payment_methods)[0].id
    runner.run(record_payment, PaymentInput(detail.unit_id, date.today(), charged, method))

    for name in PAGE_IDS:  # every page, refreshed with the day's work in it
        window.show_page(name)
        qtbot.wait(20)

    window.lock()
    assert network_attempts == []
    assert "PySide6.QtNetwork" not in sys.modules
