"""The main window's pages. To add one: write ``pages/NAME.py`` defining ``PAGE = YourPage``
(a ``Page`` subclass) and add ``"NAME"`` to PAGE_MODULES, in the order of the navigation list.
Ctrl+1..9 follow that order."""

from __future__ import annotations

import importlib

from desktop.ui.pages.base import Page

PAGE_MODULES: tuple[str, ...] = (
    "clients",
    "dashboard",
    "sessions",
    "payments",
    "superbills",
    "claims",
    "reports",
    "audit",
    "settings",
)


def page_classes() -> list[type[Page]]:
    classes = []
    for name in PAGE_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        page = module.PAGE
        if not (isinstance(page, type) and issubclass(page, Page)):
            raise TypeError(f"{module.__name__}.PAGE is not a Page subclass")
        classes.append(page)
    return classes
