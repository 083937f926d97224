"""An image encoded once and copied into each PDF gives the bytes drawImage gives."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image, ImageDraw
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.documents.images import draw_encoded, encoded, pixel_size


def picture(mode: str, kind: str) -> bytes:
    background = {"RGBA": (255, 255, 255, 0), "RGB": (255, 255, 255), "L": 255}[mode]
    image = Image.new(mode, (300, 90), background)  # type: ignore[arg-type]
    ink = {"RGBA": (0, 0, 128, 255), "RGB": (0, 0, 128), "L": 0}[mode]
    ImageDraw.Draw(image).line([(5, 70), (60, 15), (120, 70), (290, 30)], fill=ink, width=4)
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def pdf_of(draw: Callable[[Canvas], None]) -> bytes:
    """Two pages, the image on each and once inside a form, as a signature is drawn."""
    out = io.BytesIO()
    canv = Canvas(out, invariant=1)
    for _ in range(2):
        draw(canv)
        canv.showPage()
    canv.beginForm("Sig", 0, 0, 170, 51)
    draw(canv)
    canv.endForm()
    canv.doForm("Sig")
    canv.showPage()
    canv.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("mode", "kind"), [("RGBA", "PNG"), ("RGB", "PNG"), ("L", "PNG"), ("RGB", "JPEG")]
)
@pytest.mark.parametrize("ascii85", [0, 1])
def test_the_same_bytes_as_draw_image(
    mode: str, kind: str, ascii85: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = picture(mode, kind)
    monkeypatch.setattr(rl_config, "useA85", ascii85)

    def by_reportlab(canv: Canvas) -> None:
        canv.drawImage(ImageReader(io.BytesIO(data)), 0, 0, 170, 51, mask="auto")

    expected = pdf_of(by_reportlab)
    for _ in range(2):  # the second time from the cache
        assert pdf_of(lambda canv: draw_encoded(canv, encoded(data), 170, 51)) == expected
    assert pixel_size(data) == (300, 90)


def test_another_image_is_another_object() -> None:
    first, second = picture("RGBA", "PNG"), picture("RGB", "PNG")
    assert encoded(first).name != encoded(second).name
    assert encoded(first).smask is not None
    assert encoded(second).smask is None
