"""Settings: the practice profile, catalogs, preferences, the passphrase and the
practice's data (import and Export everything), one tab each."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from desktop.services.changes import Topic
from desktop.ui import style
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.pages.settings.catalog import methods_tab, payers_tab, services_tab
from desktop.ui.pages.settings.data import DataTab
from desktop.ui.pages.settings.preferences import PreferencesTab
from desktop.ui.pages.settings.profile import ProfileTab
from desktop.ui.pages.settings.security import SecurityTab


class SettingsPage(Page):
    page_id = "settings"
    topics = frozenset({Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.profile = ProfileTab(self.runner)
        self.methods = methods_tab(self.runner)
        self.services = services_tab(self.runner)
        self.payers = payers_tab(self.runner)
        self.preferences = PreferencesTab(self.runner)
        self.security = SecurityTab(self.runner)
        self.data = DataTab(self.runner, self.context.navigator.open_unit)
        self.tabs.addTab(self.profile, "Practice")
        self.tabs.addTab(self.services, "Services and fees")
        self.tabs.addTab(self.methods, "Payment methods")
        self.tabs.addTab(self.payers, "Insurers")
        self.tabs.addTab(self.preferences, "Preferences")
        self.tabs.addTab(self.security, "Passphrase")
        self.tabs.addTab(self.data, "Data")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.addWidget(self.tabs)
        self._parts = (
            self.profile,
            self.methods,
            self.services,
            self.payers,
            self.preferences,
            self.security,
            self.data,
        )

    def start_import(self) -> None:
        """Ctrl+Shift+I: the Data tab, and the import wizard over it."""
        self.tabs.setCurrentWidget(self.data)
        self.data.start_import()

    def start_export(self) -> None:
        """Ctrl+Shift+E: the Data tab, and Export everything."""
        self.tabs.setCurrentWidget(self.data)
        self.data.start_export()

    def refresh(self) -> None:
        for part in self._parts:
            part.refresh()

    def clear(self) -> None:
        for part in self._parts:
            part.clear()

    handlers: ClassVar = {PageCommand.IMPORT: start_import, PageCommand.EXPORT: start_export}
