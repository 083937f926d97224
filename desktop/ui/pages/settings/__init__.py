"""Settings: the practice profile, catalogues, preferences and the passphrase, one tab each."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from desktop.ui import style
from desktop.ui.pages.base import Page, PageContext
from desktop.ui.pages.settings.catalog import methods_tab, payers_tab, services_tab
from desktop.ui.pages.settings.preferences import PreferencesTab
from desktop.ui.pages.settings.profile import ProfileTab
from desktop.ui.pages.settings.security import SecurityTab


class SettingsPage(Page):
    page_id = "settings"
    title = "Settings"

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
        self.tabs.addTab(self.profile, "Practice")
        self.tabs.addTab(self.services, "Services and fees")
        self.tabs.addTab(self.methods, "Payment methods")
        self.tabs.addTab(self.payers, "Insurers")
        self.tabs.addTab(self.preferences, "Preferences")
        self.tabs.addTab(self.security, "Passphrase")
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
        )

    def refresh(self) -> None:
        for part in self._parts:
            part.refresh()

    def clear(self) -> None:
        for part in self._parts:
            part.clear()


PAGE = SettingsPage
