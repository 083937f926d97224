"""Change the passphrase. The file's data key stays the same; only its wrapping changes,
so the recovery key keeps working."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.practice.passphrase import (
    change_passphrase,
    passphrase_problem,
    practice_words,
)
from desktop.ui import style
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.form import Form


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SecurityTab(QWidget):
    def __init__(self, runner: ActionRunner) -> None:
        super().__init__()
        self.runner = runner
        self._known: tuple[str, ...] | None = None  # the practice's names and email
        self.form = Form(self.revalidate)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, style.MARGIN, 0, 0)
        box = QGroupBox("Change the passphrase")
        rows = QFormLayout(box)
        rows.setVerticalSpacing(style.SPACING)
        rows.setHorizontalSpacing(style.SPACING * 2)
        note = QLabel(
            "The passphrase unlocks this practice file. A few unrelated words are easy to "
            "remember and hard to guess. Your recovery key keeps working."
        )
        note.setWordWrap(True)
        rows.addRow(note)
        self.new = _secret()
        self.new.setObjectName("new_passphrase")
        self.form.add("passphrase", "New passphrase", self.new, layout=rows)
        self.again = _secret()
        self.again.setObjectName("repeat_passphrase")
        self.form.add("again", "Type it again", self.again, layout=rows)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.change_button = QPushButton("Change passphrase")
        self.change_button.setObjectName("change_passphrase")
        self.change_button.clicked.connect(self.change)
        bar.addWidget(self.change_button)
        rows.addRow(bar)
        box.setMaximumWidth(self.fontMetrics().horizontalAdvance("x") * 100)
        outer.addWidget(box)
        outer.addStretch(1)
        self.revalidate()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        new, again = self.new.text(), self.again.text()
        weak = passphrase_problem(new, self.known_words()) if new else None
        if not new:
            problems["passphrase"] = "Type a new passphrase: a few unrelated words work well."
        if weak:
            problems["passphrase"] = weak
        if again and again != new:
            problems["again"] = "The two passphrases differ; type the same one twice."
        elif not again:
            problems["again"] = "Type the new passphrase again."
        return problems

    def known_words(self) -> tuple[str, ...]:
        """Read once per file: validation runs at every keystroke."""
        if self._known is None and self.runner.is_open:
            self._known = self.runner.read(practice_words, parent=self) or ()
        return self._known or ()

    def revalidate(self) -> None:
        problems = self.problems()
        self.form.show(problems)
        self.change_button.setEnabled(not problems)

    def change(self) -> None:
        if self.problems() or not self.runner.is_open:
            return
        outcome = self.runner.on_file(change_passphrase, self.new.text())
        if outcome.error is not None:
            self.runner.interaction.show_error(self, str(outcome.error))
        else:
            self.clear()
            self.runner.interaction.show_info(
                self, "The passphrase was changed; use the new one from now on."
            )

    def refresh(self) -> None:
        self._known = None  # the profile may have changed, or another file be open

    def clear(self) -> None:
        self.new.clear()
        self.again.clear()
        self.revalidate()
