"""Where Quiet Ledger keeps its files: the one module that knows.

The data folder comes from platformdirs (per-user, per-OS) unless the
``QUIETLEDGER_HOME`` environment variable names another folder; tests and CI
set it so they never touch a real home folder. Folders are created on first
use and made private (0700), since everything in them is client data.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from db.files import ensure_private_dir

APP_NAME = "QuietLedger"
HOME_ENV = "QUIETLEDGER_HOME"
PRACTICE_FILE_NAME = "practice.qlb"
DEMO_FILE_NAME = "demo.qlb"


def data_dir() -> Path:
    """The folder for practice files, created 0700 if it is missing."""
    override = os.environ.get(HOME_ENV, "").strip()
    if override:
        folder = Path(override).expanduser()
    else:
        # appauthor=False: no extra "QuietLedger\QuietLedger" level on Windows.
        folder = platformdirs.user_data_path(APP_NAME, appauthor=False)
    return ensure_private_dir(folder.absolute(), ours=True)


def default_practice_path() -> Path:
    """The practice file opened when no ``--db`` is given."""
    return data_dir() / PRACTICE_FILE_NAME


def demo_practice_path() -> Path:
    """The demo practice (made-up clients), kept apart from the real one."""
    return data_dir() / DEMO_FILE_NAME


def backups_dir() -> Path:
    """The default folder for backups; the user may choose another one."""
    return ensure_private_dir(data_dir() / "backups", ours=True)


def temp_dir() -> Path:
    """Scratch space for files holding client data (never the shared system temp folder)."""
    return ensure_private_dir(data_dir() / "tmp", ours=True)
