"""The signature superbills print: a preview, Choose image… and Remove.

Each change is saved at once, as its own action; the profile's Save button is
for the typed fields only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from desktop.services.practice.signature import (
    get_signature,
    remove_signature,
    set_signature_from_file,
)
from desktop.ui import style
from desktop.ui.runner import ActionRunner

PREVIEW = QSize(280, 92)  # the superbill's box (170 x 44 points), a little larger
_IMAGES = "Signature images (*.png *.jpg *.jpeg);;All files (*)"
_NONE = "None yet: superbills print an empty line to sign by hand."
_KEPT = "Printed on every superbill issued from now on; issued ones keep theirs."


class SignatureBox(QGroupBox):
    def __init__(self, runner: ActionRunner) -> None:
        super().__init__("Signature on superbills")
        self.runner = runner
        self.has_signature = False
        layout = QVBoxLayout(self)
        layout.setSpacing(style.SPACING)
        self.preview = QLabel()
        self.preview.setObjectName("signature_preview")
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        # Ink on paper, in a dark palette too: the preview shows it as it will print.
        self.preview.setStyleSheet("QLabel#signature_preview { background: white; }")
        layout.addWidget(self.preview)
        self.caption = QLabel(_NONE)
        self.caption.setWordWrap(True)
        style.muted(self.caption)
        layout.addWidget(self.caption)
        buttons = QHBoxLayout()
        self.choose_button = QPushButton("Choose image…")
        self.choose_button.setToolTip("A scan or photo of your signature, as PNG or JPEG")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._show(None)

    def ask_file(self) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Choose a signature image", str(Path.home()), _IMAGES
        )
        return Path(chosen) if chosen else None

    def choose(self) -> None:
        path = self.ask_file()
        if path is None:
            return
        kept = self.runner.run(set_signature_from_file, path, parent=self)
        if kept is not None:
            self._show(kept)

    def remove(self) -> None:
        question = (
            "Remove the signature? Superbills issued from now on print an empty line to "
            "sign by hand; those already issued keep theirs."
        )
        if not self.runner.interaction.confirm(self, question, "Remove"):
            return
        outcome = self.runner.attempt(remove_signature)
        if outcome.error is not None:
            self.runner.interaction.show_error(self, str(outcome.error))
            return
        self._show(None)

    def refresh(self) -> None:
        self._show(self.runner.read(get_signature, parent=self))

    def clear(self) -> None:
        self._show(None)

    def _show(self, png: bytes | None) -> None:
        pixmap = QPixmap()
        if png is not None:
            pixmap.loadFromData(QByteArray(png), "PNG")
        self.has_signature = not pixmap.isNull()
        if self.has_signature:
            ratio = self.devicePixelRatioF()
            scaled = pixmap.scaled(
                (PREVIEW - QSize(12, 12)) * ratio,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(ratio)
            self.preview.setPixmap(scaled)
        else:
            self.preview.clear()
        self.caption.setText(_KEPT if self.has_signature else _NONE)
        self.remove_button.setEnabled(self.has_signature)
