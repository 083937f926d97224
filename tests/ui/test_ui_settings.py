"""The settings page: profile checks as typed, catalogs, preferences and the passphrase."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.demo.signature import demo_signature_png
from desktop.services.practice.catalog import list_payment_methods
from desktop.services.practice.settings import (
    EstimateSettings,
    get_estimate_settings,
    get_profile,
    get_settings,
)
from desktop.services.practice.signature import get_signature
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.catalog import PaymentMethodDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.settings import SettingsPage
from tests.ui.conftest import RecordingInteraction


def settings_page(window: MainWindow) -> SettingsPage:
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    return page


def test_npi_is_checked_as_typed_and_ein_is_masked(qtbot: QtBot, window: MainWindow) -> None:
    page = settings_page(window)
    tab = page.profile
    assert tab.edits["ein"].text() == "•••••6789"
    assert not tab.save_button.isEnabled()  # nothing changed yet
    npi = tab.edits["npi"]
    npi.clear()
    qtbot.keyClicks(npi, "1234567890")
    assert tab.form.message("npi") == (
        "This NPI's check digit is wrong; check it against the NPI registry."
    )
    assert not tab.save_button.isEnabled()
    npi.clear()
    qtbot.keyClicks(npi, "1558598797")
    assert tab.form.message("npi") == ""
    assert tab.save_button.isEnabled()
    tab.save()
    profile = window.runner.read(get_profile)
    assert profile is not None
    assert profile.npi == "1558598797"
    assert profile.ein == "12-3456789"  # the mask never reaches the books


def test_add_a_payment_method(qtbot: QtBot, window: MainWindow) -> None:
    page = settings_page(window)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PaymentMethodDialog)
        qtbot.keyClicks(dialog.name, "Square")
        qtbot.keyClicks(dialog.rate, "2.6")
        qtbot.keyClicks(dialog.fixed, "0.15")
        dialog.save()

    QTimer.singleShot(0, fill)
    page.methods.add()
    methods = window.runner.read(list_payment_methods)
    assert methods is not None
    square = next(m for m in methods if m.name == "Square")
    assert (square.fee_basis_points, square.fee_fixed) == (260, Decimal("0.15"))
    assert "Square" in [
        page.methods.model.row_at(r).name for r in range(page.methods.model.total())
    ]


def test_payment_methods_move_up_and_down_and_payments_offer_them_so(
    qtbot: QtBot, window: MainWindow
) -> None:
    tab = settings_page(window).methods
    names = [m.name for m in tab.model.rows()]
    assert len(names) >= 3
    last = names[-1]
    tab.table.selectRow(len(names) - 1)
    tab.move(-1)
    tab.move(-1)
    expected = [*names[:-3], last, names[-3], names[-2]]
    assert [m.name for m in tab.model.rows()] == expected
    assert tab.selected().name == last  # the moved method stays selected
    offered = window.runner.read(list_payment_methods)
    assert offered is not None
    assert [m.name for m in offered] == expected
    tab.table.selectRow(0)
    tab.move(-1)  # already first: nothing changes
    assert [m.name for m in tab.model.rows()] == expected


def test_auto_lock_minutes_follow_the_setting(qtbot: QtBot, window: MainWindow) -> None:
    page = settings_page(window)
    page.preferences.autolock.setValue(3)
    assert page.preferences.save_button.isEnabled()
    page.preferences.save()
    settings = window.runner.read(get_settings)
    assert settings is not None
    assert settings.autolock_minutes == 3
    assert window.idle.interval_ms() == 3 * 60_000


def test_estimate_settings_are_saved_with_the_preferences(qtbot: QtBot, window: MainWindow) -> None:
    page = settings_page(window)
    tab = page.preferences
    tab.refresh()
    before = window.runner.read(get_estimate_settings)
    assert before is not None
    assert [box.isChecked() for box in tab.workdays] == [d in before.workdays for d in range(7)]

    settings = window.runner.read(get_settings)
    assert settings is not None

    # No working day at all is refused beside the field, and nothing is saved: not the
    # estimate settings, nor the tab's other settings changed with them (one transaction).
    tab.default_sessions.setValue(12)
    tab.autolock.setValue(settings.autolock_minutes + 1)
    for box in tab.workdays:
        box.setChecked(False)
    assert tab.save_button.isEnabled()
    tab.save()
    assert tab.form.message("workdays") == "Choose at least one working day of the week."
    assert window.runner.read(get_estimate_settings) == before
    assert window.runner.read(get_settings) == settings

    # All three changed, with one of the tab's older settings, saved in one go.
    for day in (0, 1, 2, 3, 5):
        tab.workdays[day].setChecked(True)
    tab.warn_over.clear()
    qtbot.keyClicks(tab.warn_over, "150")
    assert tab.form.message("workdays") == ""
    assert tab.save_button.isEnabled()
    tab.save()
    assert window.runner.read(get_estimate_settings) == EstimateSettings(
        default_sessions=12, workdays=frozenset({0, 1, 2, 3, 5}), warn_over=Decimal("150.00")
    )
    after = window.runner.read(get_settings)
    assert after is not None
    assert after.autolock_minutes == settings.autolock_minutes + 1
    assert not tab.save_button.isEnabled()
    assert tab.warn_over.text() == "150.00"


def test_an_amount_that_is_not_one_keeps_preferences_from_saving(
    qtbot: QtBot, window: MainWindow
) -> None:
    tab = settings_page(window).preferences
    tab.refresh()
    tab.warn_over.clear()
    qtbot.keyClicks(tab.warn_over, "lots")
    assert tab.form.message("warn_over")
    assert not tab.save_button.isEnabled()


def test_change_passphrase(
    qtbot: QtBot, window: MainWindow, ui_path: Path, interaction: object
) -> None:
    tab = settings_page(window).security
    qtbot.keyClicks(tab.new, "short")
    assert "at least" in tab.form.message("passphrase")
    assert not tab.change_button.isEnabled()
    # The reason shows as it is typed: zxcvbn's, or the provider's own name.
    tab.new.clear()
    qtbot.keyClicks(tab.new, "password12")
    assert "very common password" in tab.form.message("passphrase")
    tab.new.clear()
    qtbot.keyClicks(tab.new, "whitfield dana 2026")
    assert "the practice's own name" in tab.form.message("passphrase")
    tab.new.clear()
    qtbot.keyClicks(tab.new, "amber kettle violin north")
    qtbot.keyClicks(tab.again, "amber kettle violin")
    assert "differ" in tab.form.message("again")
    qtbot.keyClicks(tab.again, " north")
    assert tab.change_button.isEnabled()
    tab.change()
    assert interaction.infos == [  # type: ignore[attr-defined]
        "The passphrase was changed; use the new one from now on."
    ]
    window.lock()
    Workspace.open(ui_path, passphrase="amber kettle violin north").close()


def test_a_signature_image_is_chosen_shown_refused_and_removed(
    qtbot: QtBot, window: MainWindow, interaction: RecordingInteraction, tmp_path: Path
) -> None:
    box = settings_page(window).profile.signature
    assert not box.has_signature
    assert box.preview.pixmap().isNull()
    assert not box.remove_button.isEnabled()

    scan = tmp_path / "signature.png"
    scan.write_bytes(demo_signature_png())
    chosen: list[Path | None] = [scan]
    box.ask_file = lambda: chosen.pop()  # type: ignore[method-assign]
    box.choose_button.click()
    assert box.has_signature
    assert not box.preview.pixmap().isNull()
    assert box.remove_button.isEnabled()
    assert window.runner.read(get_signature) is not None

    letter = tmp_path / "letter.png"
    letter.write_text("not an image", encoding="utf-8")
    chosen.append(letter)
    box.choose_button.click()
    assert interaction.errors[-1].startswith("That file is not a PNG or JPEG image")
    assert box.has_signature  # the one kept is still shown

    box.remove_button.click()
    assert interaction.questions[-1].startswith("Remove the signature?")
    assert not box.has_signature
    assert box.preview.pixmap().isNull()
    assert window.runner.read(get_signature) is None
