"""Errors from the practice file that a person can act on. Each message is one sentence."""

from __future__ import annotations


class PracticeFileError(Exception):
    """Opening, creating or writing a practice file failed; the message says how to fix it."""


class NotEncrypted(PracticeFileError):
    pass


class AlreadyOpen(PracticeFileError):
    pass


class NotAPracticeFile(PracticeFileError):
    pass
