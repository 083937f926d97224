"""An image encoded once a process and embedded in each PDF as reportlab's drawImage would.

``Canvas.drawImage`` digests and zlib-compresses an image's pixels (and its alpha
mask) for every PDF it goes into: for the provider's signature that is about 3 ms
of each superbill, the same work each time. Here the image object is built once,
by reportlab itself, and each PDF gets a copy registered exactly as drawImage
registers it, so the bytes written are the same as drawImage writes
(tests/reports/test_superbill_pdf.py compares them).
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import _digester


@dataclass(frozen=True)
class EncodedImage:
    """An image's XObject (and soft mask), ready to copy into any PDF."""

    name: str  # drawImage's digest of the pixels and mask
    image: PDFImageXObject
    smask: PDFImageXObject | None


@lru_cache(maxsize=8)
def pixel_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of ``data`` (PNG or JPEG bytes)."""
    return ImageReader(io.BytesIO(data)).getSize()


def encoded(data: bytes) -> EncodedImage:
    """``data`` (PNG or JPEG bytes) as drawImage(..., mask="auto") encodes it in the PDF
    being built (streams ASCII85-encoded or not, as reportlab is set at the time)."""
    return _encoded(data, rl_config.useA85)


@lru_cache(maxsize=8)
def _encoded(data: bytes, ascii85: int) -> EncodedImage:
    del ascii85  # part of the cache key: PDFImageXObject reads the setting itself
    reader = ImageReader(io.BytesIO(data))
    pixels = reader.getRGBData()
    alpha = reader._dataA
    name = _digester(pixels + (alpha.getRGBData() if alpha else b"auto"))
    image = PDFImageXObject(name, reader, mask="auto")
    image.name = name
    smask = image.__dict__.pop("_smask", None)
    return EncodedImage(name, image, smask)


def draw_encoded(canv: Any, image: EncodedImage, width: float, height: float) -> None:
    """``canv.drawImage`` of ``image`` at the origin, scaled to ``width`` x ``height``."""
    canv._currentPageHasImages = 1
    doc = canv._doc
    registered = doc.getXObjectName(image.name)
    if not doc.idToObject.get(registered):
        placed = copy.copy(image.image)
        canv._setXObjects(placed)
        doc.Reference(placed, registered)
        doc.addForm(image.name, placed)
        if image.smask is not None:
            mask_name = doc.getXObjectName(image.smask.name)
            if doc.idToObject.get(mask_name):
                placed.smask = PDFObjectReference(mask_name)
            else:
                mask = copy.copy(image.smask)
                canv._setXObjects(mask)
                placed.smask = doc.Reference(mask, mask_name)
    canv.saveState()
    canv.translate(0, 0)
    canv.scale(width, height)
    canv._code.append(f"/{registered} Do")
    canv.restoreState()
    canv._formsinuse.append(image.name)
