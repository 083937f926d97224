"""What a service was, in words a benefits (HSA/FSA) administrator accepts.

Administrators ask for the kind of care, its length where the code is timed, and
the procedure code: "Psychotherapy, 53 minutes (90837)". The practice's own
labels ("Couples or family session") say too little, and the AMA's descriptors
are licensed, so these are short generic words of our own.
"""

from __future__ import annotations

from desktop.domain.coding import TIMED_CODES

# Code -> the kind of care. Timed codes add the session's minutes.
_WORDS: dict[str, str] = {
    "90791": "Psychiatric diagnostic evaluation",
    "90792": "Psychiatric diagnostic evaluation with medical services",
    "90832": "Psychotherapy",
    "90834": "Psychotherapy",
    "90837": "Psychotherapy",
    "90846": "Family psychotherapy, without the patient present",
    "90847": "Family psychotherapy, with the patient present",
    "90849": "Multiple-family group psychotherapy",
    "90853": "Group psychotherapy",
    "90839": "Psychotherapy for crisis, first 60 minutes",
    "90840": "Psychotherapy for crisis, each additional 30 minutes",
    "90785": "Interactive complexity",
}
_FIXED_LENGTH = frozenset({"90839", "90840"})  # the length is in the words already


def service_in_words(code: str, label: str, minutes: int | None = None) -> str:
    """``90837`` for 53 minutes -> "Psychotherapy, 53 minutes (90837)"; a code of the
    practice's own (a late-cancel fee) keeps its label, with no code."""
    label = label.removeprefix(f"{code} ")  # a charge's text starts with its code
    words = _WORDS.get(code)
    if words is None:
        return f"{label} ({code})" if code.isdigit() else label
    if minutes and code in TIMED_CODES and code not in _FIXED_LENGTH:
        words = f"{words}, {minutes} minutes"
    return f"{words} ({code})"
