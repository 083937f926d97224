"""Text that a spreadsheet must show, never run.

A client name or memo such as ``=HYPERLINK("http://x", "Click")`` or ``@SUM(A1)``
would be taken for a formula by Excel, LibreOffice and Google Sheets when a CSV
is opened ("CSV injection"). Any text cell whose first character (after
spaces) is ``= + - @``, or that starts with a tab or carriage return, gets a
leading apostrophe.

The same apostrophe is used in XLSX, deliberately, rather than the
``quotePrefix`` cell style: the cell is written as a string, so neither program
evaluates it on opening, but LibreOffice (checked with 7.4) drops
``quotePrefix`` when it loads a workbook, so there the cell would turn into a
live formula as soon as someone pressed F2 and Enter on it, or saved the sheet
as CSV. An apostrophe in the text survives editing, re-saving and copying in
both programs; the price is that it shows.
"""

from __future__ import annotations

TRIGGERS = frozenset("=+-@")
LEADING_CONTROL = frozenset("\t\r")


def needs_neutralising(text: str) -> bool:
    if not text:
        return False
    if text[0] in LEADING_CONTROL:
        return True
    # " =1+1" is still a formula to some importers once they trim spaces.
    stripped = text.lstrip(" ")
    return bool(stripped) and stripped[0] in TRIGGERS


def neutralise(text: str) -> str:
    """``text`` as it can be put in any spreadsheet cell without being run."""
    return "'" + text if needs_neutralising(text) else text
