"""Help → About: the version, where the practice files live, and the licenses of the
libraries the application carries (a list on the left, the chosen one's text beside it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.forms.about import AboutFacts
from desktop.ui import style


class AboutDialog(QDialog):
    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = facts
        self.setWindowTitle("About Quiet Ledger")
        layout = QVBoxLayout(self)
        layout.setSpacing(style.SPACING)

        title = QLabel(f"Quiet Ledger {facts.version}")
        title.setObjectName("about_version")
        title.setFont(style.title_font(title.font()))
        layout.addWidget(title)
        layout.addWidget(QLabel("Offline, encrypted bookkeeping for private-pay psychotherapists."))

        folder_row = QHBoxLayout()
        self.folder_label = QLabel(f"Practice files are kept in: {facts.data_folder}")
        self.folder_label.setObjectName("about_data_folder")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        folder_row.addWidget(self.folder_label, 1)
        show_folder = QPushButton("Show the &folder")
        show_folder.clicked.connect(self._show_folder)
        folder_row.addWidget(show_folder)
        layout.addLayout(folder_row)
        layout.addSpacing(style.SECTION_SPACING)

        layout.addWidget(QLabel("Libraries included, and their licenses:"))
        self.components = QListWidget()
        self.components.setObjectName("about_components")
        for notice in facts.notices:
            self.components.addItem(notice.component)
        self.license_text = QPlainTextEdit()
        self.license_text.setObjectName("about_license_text")
        self.license_text.setReadOnly(True)
        self.license_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        splitter = QSplitter()
        splitter.addWidget(self.components)
        splitter.addWidget(self.license_text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 580])
        layout.addWidget(splitter, 1)
        self.components.currentRowChanged.connect(self._show_notice)
        self.components.setCurrentRow(0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(880, 600)

    def _show_notice(self, row: int) -> None:
        if not 0 <= row < len(self.facts.notices):
            return
        notice = self.facts.notices[row]
        heading = f"{notice.component} — {notice.license}" if notice.license else notice.component
        self.license_text.setPlainText(f"{heading}\n\n{notice.text}")

    def _show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.facts.data_folder)))
