"""The main window's pages, declared once, in the order of the navigation list.

Each entry names the page (its ``page_id``), the navigation title, a loader that
imports the page's module on first use and returns its ``Page`` class, the
page's menu commands and, where the navigation shows a count, the services query
that counts. The window reads this without importing the page modules, so it
shows before pages the user has not opened are loaded. Ctrl+1..9, then Ctrl+0,
follow this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.ui.pages.base import Command, Page, PageCommand


@dataclass(frozen=True)
class PageSpec:
    page_id: str  # the id other pages navigate by
    title: str
    load: Callable[[], type[Page]]
    commands: tuple[Command, ...] = ()
    # A services query (session -> how many things need action), shown beside the title.
    attention: Callable[[], Callable[..., int]] | None = None
    attention_tip: str = "Need attention: {n}"


# Loaders import inside the function: a page's module loads when the page is first shown.


def _clients() -> type[Page]:
    from desktop.ui.pages.clients import ClientsPage

    return ClientsPage


def _dashboard() -> type[Page]:
    from desktop.ui.pages.dashboard import DashboardPage

    return DashboardPage


def _sessions() -> type[Page]:
    from desktop.ui.pages.sessions import SessionsPage

    return SessionsPage


def _payments() -> type[Page]:
    from desktop.ui.pages.payments import PaymentsPage

    return PaymentsPage


def _superbills() -> type[Page]:
    from desktop.ui.pages.superbills import SuperbillsPage

    return SuperbillsPage


def _estimates() -> type[Page]:
    from desktop.ui.pages.estimates import EstimatesPage

    return EstimatesPage


def _estimates_needing_action() -> Callable[..., int]:
    from desktop.services.estimates.follow import estimates_needing_action

    return estimates_needing_action


def _claims() -> type[Page]:
    from desktop.ui.pages.claims import ClaimsPage

    return ClaimsPage


def _claims_needing_action() -> Callable[..., int]:
    from desktop.services.claims.queue import queue_count

    return queue_count


def _reports() -> type[Page]:
    from desktop.ui.pages.reports import ReportsPage

    return ReportsPage


def _audit() -> type[Page]:
    from desktop.ui.pages.audit import AuditReviewPage

    return AuditReviewPage


def _settings() -> type[Page]:
    from desktop.ui.pages.settings import SettingsPage

    return SettingsPage


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "clients", "Clients", _clients, (Command("&New client…", "Ctrl+N", PageCommand.NEW_CLIENT),)
    ),
    PageSpec("dashboard", "Dashboard", _dashboard),
    PageSpec(
        "sessions",
        "Sessions",
        _sessions,
        (Command("Record &session…", "Ctrl+R", PageCommand.RECORD_SESSION),),
    ),
    PageSpec(
        "payments",
        "Payments",
        _payments,
        (Command("Record &payment…", "Ctrl+Shift+P", PageCommand.RECORD_PAYMENT),),
    ),
    PageSpec(
        "superbills",
        "Superbills",
        _superbills,
        (
            Command("Issue a &superbill…", "Ctrl+Shift+B", PageCommand.ISSUE_SUPERBILL),
            Command("Issue a CMS-&1500 claim form…", "Ctrl+Shift+M", PageCommand.ISSUE_CLAIM_FORM),
            Command("&Print the selected document…", "Ctrl+P", PageCommand.PRINT_SELECTED),
        ),
    ),
    PageSpec(
        "estimates",
        "Estimates",
        _estimates,
        (Command("New &estimate…", "Ctrl+Shift+G", PageCommand.NEW_ESTIMATE),),
        attention=_estimates_needing_action,
        attention_tip="Good Faith Estimates late, running out, or billed over: {n}",
    ),
    PageSpec(
        "claims",
        "Claims",
        _claims,
        attention=_claims_needing_action,
        attention_tip="Claims and superbills that need action today: {n}",
    ),
    PageSpec("reports", "Reports", _reports),
    PageSpec("audit", "Audit log", _audit),
    PageSpec(
        "settings",
        "Settings",
        _settings,
        (
            Command("&Import…", "Ctrl+Shift+I", PageCommand.IMPORT),
            Command("&Export everything…", "Ctrl+Shift+E", PageCommand.EXPORT),
        ),
    ),
)
PAGE_IDS: tuple[str, ...] = tuple(spec.page_id for spec in PAGES)


def page_class(spec: PageSpec) -> type[Page]:
    """Import the page's module (on first use) and return its Page class."""
    page = spec.load()
    if page.page_id != spec.page_id:
        raise TypeError(f"{page.__name__} has page_id {page.page_id!r}, not {spec.page_id!r}")
    return page


def page_classes() -> list[type[Page]]:
    return [page_class(spec) for spec in PAGES]


def spec_for(page_id: str) -> PageSpec:
    return next(spec for spec in PAGES if spec.page_id == page_id)


def attention_query(spec: PageSpec) -> Callable[..., Any] | None:
    """The page's count query, imported now (the window asks once it has painted)."""
    return spec.attention() if spec.attention is not None else None
