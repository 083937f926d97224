"""One voice: American English in every string the program holds and every document.

The practice is in the US, so the screens, PDFs, workbooks, command-line messages and
docs say License, Organization, Check, color, canceled. This reads every string
literal of the source tree (docstrings included) and the Markdown docs, and names the
file and line of each British form.

Left alone on purpose: identifiers (``ExportCancelled``, ``neutralise``: names, not
words a person reads), text in backquotes (code), and stored values that a migration
would have to change (a session's status is stored as ``cancelled``; the importer
accepts both spellings from other programs).
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("desktop", "db", "packaging", "benchmarks")
DOCS = ("README.md", "docs")

# Each British form, decided: the US word that replaces it.
BRITISH = {
    r"organis(e|es|ed|ing|ation|ations)": "organize, organization",
    r"licence[sd]?": "license",
    r"cheques?": "check",
    r"colour(s|ed|ing|ful)?": "color",
    r"behaviours?": "behavior",
    r"favour(s|ed|ing|ite|ites)?": "favor",
    r"honour(s|ed|ing)?": "honor",
    r"neighbour(s|ing|hood)?": "neighbor",
    r"centre[sd]?|centring": "center",
    r"catalogues?|catalogued": "catalog",
    r"cancell(ed|ing)": "canceled, canceling (cancellation keeps its double l)",
    r"(label|model|signal|total|travel|level|counsel)l(ed|ing|or|ors)": "labeled, totaled ...",
    r"\w+is(e|es|ed|ing|ation)": "-ize: itemize, normalize, initialize, recognize ...",
    r"analys(e|es|ed|ing)": "analyze",
    r"defence|offence": "defense, offense",
    r"practis(e|es|ed|ing)": "practice (the verb, too)",
    r"instalments?": "installment",
    r"enrolment|fulfilment": "enrollment, fulfillment",
    r"grey(ed|s)?": "gray",
    r"programmes?": "program",
    r"ageing": "aging",
    r"judgement": "judgment",
    r"(un)?tick(ed|ing)": "check, checked, unchecked (a box)",
    r"learnt|spelt|dreamt": "learned, spelled",
    r"fortnight(ly|s)?": "every other week, two weeks",
    r"whilst|amongst": "while, among",
}
# -ise words that are American too.
_ISE_OK = frozenset(
    [
        "advise",
        "advised",
        "apprise",
        "arise",
        "arises",
        "arising",
        "comprise",
        "comprised",
        "comprises",
        "compromise",
        "concise",
        "demise",
        "despise",
        "devise",
        "devised",
        "disguise",
        "enterprise",
        "exercise",
        "exercised",
        "excise",
        "expertise",
        "franchise",
        "improvise",
        "likewise",
        "merchandise",
        "noise",
        "otherwise",
        "paradise",
        "poise",
        "praise",
        "praised",
        "precise",
        "premise",
        "premises",
        "promise",
        "promised",
        "promises",
        "promising",
        "raise",
        "raised",
        "raises",
        "raising",
        "revise",
        "revised",
        "rise",
        "rises",
        "rising",
        "supervise",
        "surmise",
        "surprise",
        "surprised",
        "surprising",
        "televise",
        "treatise",
        "wise",
        "clockwise",
        "stepwise",
        "pairwise",
        "cruise",
        "bruise",
        "imprecise",
        "noisy",
        "poised",
        "guise",
        "supervising",
        "surprises",
        "revises",
        "nosurprises",
    ]
)
_PATTERN = re.compile(r"\b(?:" + "|".join(BRITISH) + r")\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CODE = re.compile(r"``[^`]*``|`[^`\n]*`")

# (path, exact word): stored values and other programs' words, kept on purpose.
ALLOWED = {
    ("desktop/domain/kinds.py", "cancelled"),  # SessionStatus.CANCELLED's stored value
    ("desktop/services/transfer/importing/simplepractice.py", "cancelled"),  # read, both ways
    ("desktop/reports/documents/__init__.py", "Cancelled"),  # a class, named for lazy import
    ("desktop/domain/frequency.py", "fortnightly"),  # a phrasing read from what users type
}


def _british(text: str) -> list[str]:
    found = []
    for code_free in _CODE.split(text):
        for match in _WORD.finditer(code_free):
            word = match.group()
            if "_" in word or re.search(r"[a-z][A-Z]", word):
                continue  # an identifier named in prose
            if _PATTERN.fullmatch(word) and word.lower() not in _ISE_OK:
                found.append(word)
    return found


def _strings(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.STRING]


def _lines(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(path.read_text(encoding="utf-8").splitlines(), start=1))


def british_forms() -> list[str]:
    """``file:line: word`` for every British form outside the allowed stored values."""
    files: list[tuple[Path, list[tuple[int, str]]]] = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:  # past schema, as it was written
                files.append((path, _strings(path)))
    for name in DOCS:
        target = ROOT / name
        paths = sorted(target.rglob("*.md")) if target.is_dir() else [target]
        files.extend((path, _lines(path)) for path in paths)
    found = []
    for path, texts in files:
        relative = path.relative_to(ROOT).as_posix()
        for line, text in texts:
            for word in _british(text):
                if (relative, word) not in ALLOWED:
                    offset = text[: text.find(word)].count("\n")
                    found.append(f"{relative}:{line + offset}: {word}")
    return found


def test_the_program_and_its_docs_speak_american_english() -> None:
    found = british_forms()
    assert not found, "British forms (use the US word):\n" + "\n".join(found)


def test_the_check_finds_what_it_looks_for() -> None:
    assert _british('"Organisation NPI", "Licence number", "Cheque number"') == [
        "Organisation",
        "Licence",
        "Cheque",
    ]
    assert _british("the itemised colour was cancelled, then labelled; grey catalogue") == [
        "itemised",
        "colour",
        "cancelled",
        "labelled",
        "grey",
        "catalogue",
    ]
    assert _british("leave it unticked; ticked, learnt, fortnightly") == [
        "unticked",
        "ticked",
        "learnt",
        "fortnightly",
    ]
    assert _british("raise a surprise; otherwise advise a cancellation; ExportCancelled") == []
    assert _british("see ``neutralise`` and `cancelled`") == []
