"""The window's own actions, declared once: their text and shortcut live only here.

Pages add theirs through ``PageSpec.commands``; Ctrl+1..9 and Ctrl+0 switch pages in the
navigation order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcut: str


LOCK = ActionSpec("lock", "&Lock", "Ctrl+L")
FIND = ActionSpec("find", "&Find", "Ctrl+F")
QUIT = ActionSpec("quit", "&Quit", "Ctrl+Q")
ABOUT = ActionSpec("about", "&About Quiet Ledger", "")
WINDOW_ACTIONS = (FIND, LOCK, QUIT, ABOUT)


def page_shortcut(position: int) -> str:
    """Ctrl+1 for the first page ... Ctrl+9 for the ninth, Ctrl+0 for the tenth (as the
    number keys run); none after that."""
    if position < 9:
        return f"Ctrl+{position + 1}"
    return "Ctrl+0" if position == 9 else ""
