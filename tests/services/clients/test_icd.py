"""ICD-10-CM look-ups through simple-icd-10-cm."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.services.clients import icd


def test_describe_known_codes() -> None:
    hit = icd.describe("F43.23")
    assert hit is not None
    assert hit.description == "Adjustment disorder with mixed anxiety and depressed mood"
    assert hit.billable
    heading = icd.describe("F43.2")
    assert heading is not None
    assert not heading.billable


@pytest.mark.parametrize("code", ["F41.1", "f411", " F52.0 ", "Z63.0"])
def test_codes_are_found_with_or_without_the_dot(code: str) -> None:
    hit = icd.describe(code)
    assert hit is not None
    assert "." in hit.code
    assert hit.billable
    assert icd.is_valid(code)


@pytest.mark.parametrize("code", ["", "F99.999", "F40-F48", "5", "hello"])
def test_headings_and_nonsense_are_not_codes(code: str) -> None:
    assert icd.describe(code) is None
    assert not icd.is_valid(code)


def test_search_by_code_prefix_keeps_code_order() -> None:
    hits = icd.search("F43.2")
    assert [h.code for h in hits[:3]] == ["F43.2", "F43.20", "F43.21"]
    assert all(h.code.startswith("F43.2") for h in hits)


def test_search_by_words_puts_mental_health_first() -> None:
    hits = icd.search("anxiety")
    assert hits[0].code == "F41.9"
    assert "F41.1" in [h.code for h in hits]
    assert all(h.code[0] in "FZ" for h in hits[:10])


def test_search_words_match_word_starts_in_any_order() -> None:
    codes = [h.code for h in icd.search("disorder adjustment mixed")]
    assert "F43.23" in codes
    assert icd.search("justment") == []


def test_search_limits_and_blank() -> None:
    assert len(icd.search("disorder", limit=5)) == 5
    assert icd.search("   ") == []


def test_importing_the_module_does_not_load_the_code_set() -> None:
    code = (
        "import sys, desktop.services.clients.icd as icd; "
        "assert 'simple_icd_10_cm' not in sys.modules; assert not icd.is_loaded()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
