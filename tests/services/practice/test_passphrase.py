"""A new passphrase is measured by zxcvbn, with the practice's own words known to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.practice.passphrase import change_passphrase, practice_words
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.workspace import WeakPassphrase, Workspace
from tests.conftest import PASSPHRASE

PROFILE = Profile(
    "Harbor Light Therapy", provider_name="Dana Whitfield", email="dana@harborlight.com"
)


def test_the_practices_own_name_cannot_become_its_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "books.qlb"
    with Workspace.create(path, PASSPHRASE) as workspace:
        workspace.run(create_practice, PROFILE, user_name=PROFILE.provider_name)
        assert workspace.read(practice_words) == (
            "Harbor Light Therapy",
            "Dana Whitfield",
            "dana@harborlight.com",
        )
        for guessable in ("Harbor Light Therapy", "dana@harborlight.com", "password12"):
            with pytest.raises(WeakPassphrase):
                change_passphrase(workspace, guessable)
        change_passphrase(workspace, "lantern orchard quietly ninety")
    Workspace.open(path, passphrase="lantern orchard quietly ninety").close()


def test_a_new_file_refuses_a_passphrase_made_of_its_profile(tmp_path: Path) -> None:
    with pytest.raises(WeakPassphrase, match="own name or email"):
        Workspace.create(
            tmp_path / "b.qlb", "HarborLightTherapy", known_words=["Harbor Light Therapy"]
        )
    assert list(tmp_path.iterdir()) == []
