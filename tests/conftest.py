"""Shared fixtures: real encrypted practice files in temporary folders."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.services.practice.settings import Profile, create_practice
from desktop.services.workspace import Workspace

PASSPHRASE = "correct horse battery staple"
VALID_NPI = "1234567893"
VALID_EIN = "12-3456789"


@pytest.fixture(autouse=True)
def _cycles_collected_on_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """As in the app (``desktop.ui.collector``): a thread-pool worker never collects.

    A collection that starts in a worker thread may destroy a widget made on the main
    thread while the main thread is using it. So a test with Qt runs without
    automatic collection, and once its background work is over its cycles are
    collected here, on the main thread, so that none reach a later test.
    """
    if {"qtbot", "qapp"}.isdisjoint(request.fixturenames):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()
        gc.collect()
        gc.enable()


@pytest.fixture
def practice_path(tmp_path: Path) -> Path:
    return tmp_path / "practice" / "books.qlb"


@pytest.fixture
def profile() -> Profile:
    return practice_profile()


def practice_profile() -> Profile:
    """The practice every test file is made with (a module-scoped fixture calls this)."""
    return Profile(
        practice_name="Harbor Light Therapy",
        provider_name="Dana Whitfield",
        credentials="LMFT",
        npi=VALID_NPI,
        ein=VALID_EIN,
        license_number="LMFT 12345",
        license_state="NY",
        taxonomy="106H00000X",
        address="100 Main Street, Suite 4",
        city="Albany",
        state="NY",
        zip="12207",
        phone="(518) 555-0142",
        email="dana@example.com",
    )


@pytest.fixture
def workspace(practice_path: Path, profile: Profile) -> Iterator[Workspace]:
    """A new practice with default services and payment methods."""
    ws = Workspace.create(practice_path, PASSPHRASE)
    ws.run(create_practice, profile, user_name="Dana Whitfield")
    yield ws
    if ws.is_open:
        ws.close()
