"""Errors the services raise. Each carries a sentence a person can act on.

Widgets show ``str(error)`` as it is; the command line prints it on one line.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A use case could not be done; nothing was written."""


class UnlockFailed(ServiceError):
    """The file could not be opened or created; the message says why."""


class WeakPassphrase(UnlockFailed):
    pass


class InvalidInput(ServiceError):
    """A field is wrong. ``field`` names it so a form can show the message beside it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ServiceError):
    pass


class PeriodClosed(ServiceError):
    pass


class NotAllowed(ServiceError):
    """The books' rules refuse this (for example, allocating more than is owed)."""


class ExportCancelled(ServiceError):
    """The person pressed Cancel while a file was being written; nothing was kept."""
