"""The practice profile: what superbills, statements and receipts print about the provider.

NPI and EIN are checked as they are typed (check digit, unassigned prefixes);
the EIN shows only its last four digits unless its field is being edited.
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.practice.settings import (
    Profile,
    get_profile,
    profile_problems,
    update_profile,
)
from desktop.ui import style
from desktop.ui.pages.settings.signature import SignatureBox
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.form import Form
from desktop.ui.widgets.masked_edit import MaskedEdit

# (field, label, placeholder, max length), grouped as the form shows them.
GROUPS: tuple[tuple[str, tuple[tuple[str, str, str, int], ...]], ...] = (
    (
        "Provider",
        (
            ("practice_name", "Practice name", "", 200),
            ("provider_name", "Provider name", "As registered with NPPES", 200),
            ("credentials", "Credentials", "LMFT, LCSW, PhD…", 100),
            ("npi", "Individual NPI", "10 digits", 10),
            ("organization_npi", "Organization NPI", "Optional; starts with 2", 10),
            ("ein", "EIN", "12-3456789", 11),
            ("license_number", "License number", "", 50),
            ("license_state", "License state", "NY", 2),
            ("taxonomy", "Taxonomy code", "106H00000X", 10),
        ),
    ),
    (
        "Practice address and contact",
        (
            ("address", "Address", "As in the NPI registry", 200),
            ("city", "City", "", 100),
            ("state", "State", "NY", 2),
            ("zip", "ZIP code", "12207", 10),
            ("phone", "Phone", "", 30),
            ("email", "Email", "", 200),
        ),
    ),
)
_UPPER = frozenset({"license_state", "state", "taxonomy"})


class ProfileTab(QWidget):
    def __init__(self, runner: ActionRunner) -> None:
        super().__init__()
        self.runner = runner
        self._saved: Profile | None = None
        self.form = Form(self.revalidate)
        self.edits: dict[str, QLineEdit] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, style.MARGIN, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(style.SECTION_SPACING)
        stacks: list[QVBoxLayout] = []
        for title, rows in GROUPS:
            box = QGroupBox(title)
            layout = QFormLayout(box)
            layout.setVerticalSpacing(style.SPACING)
            layout.setHorizontalSpacing(style.SPACING * 2)
            for name, label, placeholder, length in rows:
                edit = MaskedEdit() if name == "ein" else QLineEdit()
                edit.setObjectName(f"profile_{name}")
                edit.setPlaceholderText(placeholder)
                edit.setMaxLength(length)
                if name in _UPPER:
                    edit.textEdited.connect(lambda text, e=edit: _upper(e, text))
                self.form.add(name, label, edit, required=name == "practice_name", layout=layout)
                self.edits[name] = edit
            stack = QVBoxLayout()
            stack.addWidget(box)
            columns.addLayout(stack, 1)
            stacks.append(stack)
        self.signature = SignatureBox(runner)
        stacks[-1].addWidget(self.signature)  # under the address, beside the provider
        for stack in stacks:
            stack.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        bar = QHBoxLayout()
        self.note = QLabel("Superbills print these details exactly as they are here.")
        bar.addWidget(self.note, 1)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self.refresh)
        self.save_button = QPushButton("Save profile")
        self.save_button.setObjectName("save_profile")
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        outer.addLayout(bar)
        self.revalidate()

    def profile(self) -> Profile:
        values = {}
        for field in fields(Profile):
            edit = self.edits[field.name]
            values[field.name] = edit.value() if isinstance(edit, MaskedEdit) else edit.text()
        return Profile(**values)

    def refresh(self) -> None:
        profile = self.runner.read(get_profile, parent=self)
        if profile is None:
            return
        self._saved = profile
        self.signature.refresh()
        for field in fields(Profile):
            edit = self.edits[field.name]
            value = getattr(profile, field.name)
            if isinstance(edit, MaskedEdit):
                edit.set_value(value)
            else:
                edit.setText(value)
        self.revalidate()

    def clear(self) -> None:
        self._saved = None
        self.signature.clear()
        for edit in self.edits.values():
            if isinstance(edit, MaskedEdit):
                edit.set_value("")
            else:
                edit.clear()

    def revalidate(self) -> None:
        profile = self.profile()
        problems = profile_problems(profile)
        self.form.show(problems)
        changed = self._saved is not None and profile != self._saved
        self.save_button.setEnabled(changed and not problems)
        self.revert_button.setEnabled(changed)

    def save(self) -> None:
        outcome = self.runner.attempt(update_profile, self.profile())
        if outcome.error is not None:
            field = getattr(outcome.error, "field", None)
            if not self.form.show_error(field, str(outcome.error)):
                self.runner.interaction.show_error(self, str(outcome.error))
            return
        self.refresh()


def _upper(edit: QLineEdit, text: str) -> None:
    if text != text.upper():
        position = edit.cursorPosition()
        edit.setText(text.upper())
        edit.setCursorPosition(position)
