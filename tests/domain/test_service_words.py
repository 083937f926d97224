"""Service descriptions a benefits administrator accepts."""

from __future__ import annotations

import pytest

from desktop.domain.service_words import service_in_words


@pytest.mark.parametrize(
    ("code", "label", "minutes", "words"),
    [
        ("90837", "Therapy session, 60 minutes", 53, "Psychotherapy, 53 minutes (90837)"),
        ("90834", "Therapy session, 45 minutes", None, "Psychotherapy (90834)"),
        (
            "90847",
            "Couples or family session",
            50,
            "Family psychotherapy, with the patient present, 50 minutes (90847)",
        ),
        ("90791", "First assessment", 60, "Psychiatric diagnostic evaluation (90791)"),
        (
            "90840",
            "Crisis, more",
            30,
            "Psychotherapy for crisis, each additional 30 minutes (90840)",
        ),
        ("97810", "Acupuncture", 30, "Acupuncture (97810)"),
        ("LATE", "Late cancellation fee", 0, "Late cancellation fee"),
        ("NOSHOW", "NOSHOW Missed appointment fee", None, "Missed appointment fee"),
    ],
)
def test_service_in_words(code: str, label: str, minutes: int | None, words: str) -> None:
    assert service_in_words(code, label, minutes) == words
