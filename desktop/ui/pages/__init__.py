"""The main window's pages, declared once, in the order of the navigation list.

Each entry names its module (``pages/NAME.py`` defining ``PAGE = YourPage``, a
``Page`` subclass whose ``page_id`` is NAME), the navigation title, the page's
menu commands and, where the navigation shows a count, the query that counts.
The window reads this without importing the page modules, so it shows before
pages the user has not opened are loaded. Ctrl+1..9 follow this order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from desktop.ui.pages.base import Command, Page


@dataclass(frozen=True)
class PageSpec:
    page_id: str  # its module's name, and the id other pages navigate by
    title: str
    commands: tuple[Command, ...] = ()
    # "module:function" taking a session and returning how many things need action
    # (shown beside the title), loaded after the window is up; "" for none.
    attention: str = ""
    attention_tip: str = "Need attention: {n}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("clients", "Clients", (Command("&New client…", "Ctrl+N", "new_client"),)),
    PageSpec("dashboard", "Dashboard"),
    PageSpec("sessions", "Sessions", (Command("Record &session…", "Ctrl+R", "new_session"),)),
    PageSpec("payments", "Payments", (Command("Record &payment…", "Ctrl+Shift+P", "new_payment"),)),
    PageSpec(
        "superbills",
        "Superbills",
        (
            Command("Issue a &superbill…", "Ctrl+Shift+B", "issue_one"),
            Command("&Print the selected document…", "Ctrl+P", "print_selected"),
        ),
    ),
    PageSpec(
        "claims",
        "Claims",
        attention="desktop.services.claims.queue:queue_count",
        attention_tip="Claims and superbills that need action today: {n}",
    ),
    PageSpec("reports", "Reports"),
    PageSpec("audit", "Audit log"),
    PageSpec(
        "settings",
        "Settings",
        (
            Command("&Import…", "Ctrl+Shift+I", "start_import"),
            Command("&Export everything…", "Ctrl+Shift+E", "start_export"),
        ),
    ),
)
PAGE_MODULES: tuple[str, ...] = tuple(spec.page_id for spec in PAGES)


def page_class(spec: PageSpec) -> type[Page]:
    """Import the page's module (on first use) and return its Page class."""
    module = importlib.import_module(f"{__name__}.{spec.page_id}")
    page = module.PAGE
    if not (isinstance(page, type) and issubclass(page, Page)):
        raise TypeError(f"{module.__name__}.PAGE is not a Page subclass")
    if page.page_id != spec.page_id:
        raise TypeError(f"{module.__name__}.PAGE has page_id {page.page_id!r}")
    return page


def page_classes() -> list[type[Page]]:
    return [page_class(spec) for spec in PAGES]


def spec_for(page_id: str) -> PageSpec:
    return next(spec for spec in PAGES if spec.page_id == page_id)
