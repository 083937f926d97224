"""First run: create a practice, open an existing file, or open the demo.

Creating asks for the profile (NPI and EIN checked as they are typed) and a
passphrase (its strength said beside it, typed twice), creates the file with
the usual services and payment methods, then shows the recovery key once and
waits until the person says they have kept it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import InvalidInput, ServiceError
from desktop.services.practice.passphrase import passphrase_problem, profile_words
from desktop.services.practice.settings import Profile, create_practice, profile_problems
from desktop.services.workspace import Workspace
from desktop.ui import style
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.runner import Outcome

CREATE, OPEN, DEMO = "create", "open", "demo"


class WelcomeDialog(QDialog):
    """Three ways in; ``choice`` says which was taken."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Quiet Ledger")
        self.choice = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(
            style.MARGIN * 2, style.MARGIN * 2, style.MARGIN * 2, style.MARGIN
        )
        layout.setSpacing(style.SPACING)
        title = QLabel("Welcome to Quiet Ledger")
        title.setFont(style.title_font(title.font()))
        layout.addWidget(title)
        about = QLabel(
            "Your books stay on this computer, encrypted with a passphrase only you know."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addSpacing(style.SECTION_SPACING)
        for key, text in (
            (CREATE, "&Create my practice…"),
            (OPEN, "&Open an existing practice file…"),
            (DEMO, "Try the &demo practice (made-up clients)"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"choose_{key}")
            button.setAutoDefault(key == CREATE)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            layout.addWidget(button)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 32)

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()


class CreatePracticeDialog(FormDialog[tuple[Profile, str]]):
    """The profile and passphrase; on Save the practice file is created at ``path``."""

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent, "Create your practice", None, save_text="Create")  # type: ignore[arg-type]
        self.path = path
        self.workspace: Workspace | None = None
        self.fields: dict[str, QLineEdit] = {}
        for name, label, required in (
            ("practice_name", "Practice name", True),
            ("provider_name", "Your name", False),
            ("credentials", "Credentials (e.g. LMFT)", False),
            ("npi", "NPI (individual)", False),
            ("ein", "EIN", False),
        ):
            edit = QLineEdit()
            self.fields[name] = edit
            self.form.add(name, label, edit, required=required)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("passphrase", "Passphrase", self.passphrase, required=True)
        self.form.add("confirm", "Passphrase again", self.confirm, required=True)
        self.body.addLayout(self.form.layout)
        note = QLabel(
            "Address, license and the rest can wait for Settings. The usual psychotherapy "
            "services and payment methods are set up for you; edit them any time."
        )
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.finish_layout()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 38)
        self.fields["practice_name"].setFocus()

    def collect(self) -> tuple[tuple[Profile, str] | None, dict[str, str]]:
        profile = Profile(**{name: edit.text().strip() for name, edit in self.fields.items()})
        problems = profile_problems(profile)
        passphrase = self.passphrase.text()
        weak = passphrase_problem(passphrase, profile_words(profile))
        if not passphrase:
            problems["passphrase"] = "Choose a passphrase: four or more unrelated words work well."
        elif weak:
            problems["passphrase"] = weak
        if self.confirm.text() != passphrase:
            problems["confirm"] = "The two passphrases differ."
        return (None, problems) if problems else ((profile, passphrase), {})

    def submit(self, data: tuple[Profile, str]) -> Outcome[Any]:
        profile, passphrase = data
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            workspace = Workspace.create(self.path, passphrase, known_words=profile_words(profile))
        except ServiceError as exc:
            return Outcome(error=InvalidInput(str(exc), field="passphrase"))
        try:
            workspace.run(create_practice, profile, user_name=profile.provider_name)
        except ServiceError as exc:
            workspace.close()
            return Outcome(error=InvalidInput(str(exc), field="practice_name"))
        self.workspace = workspace
        return Outcome(value=workspace)


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once; Continue waits for "I have kept it"."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your recovery key")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        about = QLabel(
            "If you forget your passphrase, this key is the only way back into your books. "
            "It is shown only now: print it or write it down, and keep it somewhere safe, "
            "away from this computer."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        self.key = QLineEdit(key)
        self.key.setObjectName("recovery_key")
        self.key.setReadOnly(True)
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.key)
        self.kept = QCheckBox("I have kept my recovery key")
        layout.addWidget(self.kept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.continue_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.continue_button.setText("Continue")
        self.continue_button.setEnabled(False)
        self.kept.toggled.connect(self.continue_button.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def reject(self) -> None:
        # Esc must not skip the one chance to keep the key.
        if self.kept.isChecked():
            super().reject()
