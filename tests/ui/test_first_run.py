"""First run: the practice is created from the form, and the recovery key is kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.practice.catalog import list_payment_methods, list_services
from desktop.services.practice.settings import practice_name
from desktop.ui.dialogs.first_run import CreatePracticeDialog, RecoveryKeyDialog

STRONG = "quiet harbor lantern morning"


def test_create_a_practice_from_the_form(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "books" / "practice.qlb"
    dialog = CreatePracticeDialog(None, path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.fields["practice_name"], "Harbor Light Therapy")
    qtbot.keyClicks(dialog.fields["npi"], "1234567890")
    assert dialog.form.message("npi")  # fails its check digit
    dialog.fields["npi"].clear()
    qtbot.keyClicks(dialog.fields["npi"], "1234567893")
    assert dialog.form.message("npi") == ""
    qtbot.keyClicks(dialog.passphrase, "abc")
    assert dialog.form.message("passphrase")  # too weak, said as typed
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, STRONG)
    qtbot.keyClicks(dialog.confirm, STRONG + "x")
    assert dialog.form.message("confirm") == "The two passphrases differ."
    assert not dialog.save_button.isEnabled()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, STRONG)
    assert dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    workspace = dialog.workspace
    assert workspace is not None
    try:
        assert path.exists()
        assert workspace.read(practice_name) == "Harbor Light Therapy"
        assert any(s.code == "90837" for s in workspace.read(list_services))
        assert workspace.read(list_payment_methods)
        key = workspace.recovery_key()
    finally:
        workspace.close()

    shown = RecoveryKeyDialog(key)
    qtbot.addWidget(shown)
    assert shown.key.text() == key
    assert not shown.continue_button.isEnabled()
    shown.reject()  # Esc does not skip it
    assert shown.result() == 0
    shown.kept.setChecked(True)
    assert shown.continue_button.isEnabled()


def test_the_reason_a_passphrase_is_refused_shows_as_it_is_typed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = CreatePracticeDialog(None, tmp_path / "practice.qlb")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.fields["practice_name"], "Harbor Light Therapy")
    qtbot.keyClicks(dialog.passphrase, "password12")
    assert dialog.form.message("passphrase").startswith("This is a very common password.")
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, "harbor light therapy")
    assert "own name or email" in dialog.form.message("passphrase")
    qtbot.keyClicks(dialog.confirm, "harbor light therapy")
    assert not dialog.save_button.isEnabled()
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, STRONG)
    assert dialog.form.message("passphrase") == ""
