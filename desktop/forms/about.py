"""What Help → About shows, as plain values: the version, the data folder, and the
license of every library the application carries.

The composition root (``desktop.app.about``) gathers them; the dialog
(``desktop.ui.dialogs.about``) only shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LicenseNotice:
    """One bundled component: its name (with its version, when it has one) and license."""

    component: str
    license: str
    text: str


@dataclass(frozen=True)
class AboutFacts:
    version: str
    data_folder: Path
    notices: tuple[LicenseNotice, ...]

    def notice(self, name: str) -> LicenseNotice | None:
        """The notice for the component ``name`` (any case), with or without its version."""
        wanted = name.casefold()
        for notice in self.notices:
            component = notice.component.casefold()
            if component == wanted or component.startswith(wanted + " "):
                return notice
        return None
