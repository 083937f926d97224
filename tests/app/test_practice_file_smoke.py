from __future__ import annotations

from desktop.services.practice.settings import get_profile
from desktop.services.workspace import Workspace


def test_created_practice_reads_back(workspace: Workspace) -> None:
    assert workspace.read(get_profile).practice_name == "Harbor Light Therapy"
