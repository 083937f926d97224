"""Pieces more than one document prints: the letterhead, the signature, the code legend."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from itertools import zip_longest

from reportlab.platypus import Flowable, Spacer

from .fonts import BOLD
from .grid import BOTTOM, RIGHT, Cell, Column, Grid, Row
from .images import draw_encoded, encoded, pixel_size
from .layout import CONTENT_WIDTH
from .rows import ProviderBlock
from .style import ACCENT, MUTED, RULE, address_lines, person_with_credentials, us_date

RIGHT_COLUMN = 220
SIGNATURE_BOX = (170.0, 44.0)  # width and height the signature image is scaled into

# Codes a client may not know, explained under the service table.
PLACE_OF_SERVICE = {
    "02": "telehealth outside the patient's home",
    "10": "telehealth in the patient's home",
    "11": "office",
    "12": "patient's home",
}
MODIFIERS = {
    "95": "audio-video telehealth",
    "93": "audio-only telehealth",
    "GT": "audio-video telehealth",
}


def provider_lines(provider: ProviderBlock) -> list[str]:
    """The letterhead's left column under the practice name: provider, address, contact."""
    contact = " · ".join(part for part in (provider.phone, provider.email) if part)
    return [
        person_with_credentials(provider.provider_name, provider.credentials),
        *address_lines(provider.address, provider.city, provider.state, provider.zip),
        contact,
    ]


def version_meta(
    number: str,
    version: int,
    issued_on: date,
    supersedes_number: str | None,
    supersedes_version: int | None,
) -> list[str]:
    """The letterhead's reference lines for a numbered, versioned document."""
    meta = [f"No. {number} · Version {version}"]
    if supersedes_number:
        replaced = supersedes_number
        if supersedes_version is not None:
            replaced += f", version {supersedes_version}"
        meta.append(f"Replaces {replaced}")
    meta.append(f"Issued {us_date(issued_on)}")
    return meta


def letterhead(
    name: str,
    lines: Sequence[str],
    title: str,
    subtitle: str,
    meta: Sequence[str],
    *,
    title_size: float = 20,
) -> Grid:
    """Practice name and address on the left; title and reference lines on the right."""
    columns = [Column(CONTENT_WIDTH - RIGHT_COLUMN, size=8.5), Column(RIGHT_COLUMN, align=RIGHT)]
    rows = [
        Row(
            [Cell(name, font=BOLD, size=12), Cell(title, font=BOLD, size=title_size, color=ACCENT)],
            valign=BOTTOM,
            pad_bottom=2,
        )
    ]
    right: list[str | Cell] = [Cell(subtitle, color=MUTED)] if subtitle else []
    right += list(meta)
    left = [line for line in lines if line]
    for left_text, right_text in zip_longest(left, right, fillvalue=""):
        rows.append(Row([left_text, right_text], size=8.5))
    last = rows[-1]
    rows[-1] = Row(last.cells, size=8.5, rule_below=(0.8, RULE), pad_bottom=8)
    return Grid(columns, rows, pad_x=0, pad_y=0, leading=1.3)


@lru_cache(maxsize=8)
def _form_name(png: bytes) -> str:
    return "Signature" + hashlib.sha256(png).hexdigest()[:16]


class Signature(Flowable):
    """The signature image, scaled into its box.

    It is drawn once per PDF as a form and reused, so a batch embeds it once; its
    pixels are digested and compressed once a process, not once a PDF.
    """

    def __init__(self, png: bytes) -> None:
        super().__init__()
        self.png, self.form = png, _form_name(png)
        img_w, img_h = pixel_size(png)
        box_w, box_h = SIGNATURE_BOX
        scale = min(box_w / img_w, box_h / img_h)
        self.width, self.height = img_w * scale, img_h * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if not canv.hasForm(self.form):
            canv.beginForm(self.form, 0, 0, self.width, self.height)
            draw_encoded(canv, encoded(self.png), self.width, self.height)
            canv.endForm()
        canv.doForm(self.form)


def signature(png: bytes | None) -> Flowable:
    """The provider's signature image, or blank room to sign by hand when there is none."""
    return Signature(png) if png else Spacer(1, SIGNATURE_BOX[1])


def code_legend(places: Sequence[str], modifiers: Sequence[str]) -> str:
    """A sentence explaining the place-of-service codes and modifiers that were printed."""
    parts = [
        f"POS {code}: {PLACE_OF_SERVICE[code]}"
        for code in sorted(set(places))
        if code in PLACE_OF_SERVICE
    ]
    parts += [
        f"modifier {code}: {MODIFIERS[code]}"
        for code in sorted(set(modifiers))
        if code in MODIFIERS
    ]
    return "; ".join(parts) + "." if parts else ""
