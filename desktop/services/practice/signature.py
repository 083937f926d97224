"""The provider's signature image, printed in the superbill's signature box.

A scan or a photo of a signature arrives as PNG or JPEG. It is checked to be a
real image (never trusted by its name), scaled down when it is far larger than
the box can use, and kept in the practice file as PNG, so that every document
issued after it embeds the same bytes. Issued documents keep the image they
were issued with.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from desktop.services.audit import log as audit
from desktop.services.errors import InvalidInput
from desktop.services.practice.settings import practice_row

EXPORT_FILE = "signature.png"  # its name in an export folder
MAX_FILE_BYTES = 5 * 1024 * 1024
ACCEPTED = ("PNG", "JPEG")
# The superbill's box is 170 x 44 points; this is over 500 dpi in it.
KEPT_SIZE = (1200, 400)
MIN_SIZE = (40, 12)
MAX_PIXELS = 40_000_000  # no camera makes more; a bigger "image" is a decompression bomb
_TOO_MANY_PIXELS = "The image has far too many pixels; crop it to the signature."


def get_signature(session: Session) -> bytes | None:
    """The signature as PNG, or None when the practice has none."""
    return practice_row(session).signature_png


def read_signature_file(path: Path) -> bytes:
    """The file's bytes, or a message saying why it cannot be used."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"{path.name} is {size / 2**20:.1f} MB; a signature image must be under "
                f"{MAX_FILE_BYTES // 2**20} MB. Crop it or save it smaller.",
                field="signature",
            )
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"{path.name} could not be read ({exc.strerror or exc}).", field="signature"
        ) from None


def normalized_png(data: bytes) -> bytes:
    """The image as a PNG no larger than the box needs; refuses anything but PNG or JPEG."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("The image is too large; use one under 5 MB.", field="signature")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
    except Image.DecompressionBombError:
        raise InvalidInput(_TOO_MANY_PIXELS, field="signature") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidInput(
            "That file is not a PNG or JPEG image; save the signature as one and try again.",
            field="signature",
        ) from None
    if kind not in ACCEPTED:
        raise InvalidInput(
            f"That is a {kind} image; save the signature as PNG or JPEG and try again.",
            field="signature",
        )
    if width * height > MAX_PIXELS:
        raise InvalidInput(_TOO_MANY_PIXELS, field="signature")
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise InvalidInput(
            f"The image is only {width} x {height} pixels; a signature needs at least "
            f"{MIN_SIZE[0]} x {MIN_SIZE[1]} to print clearly.",
            field="signature",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # a truncated or damaged file fails here, before it is decoded
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            converted = image.convert("RGBA" if _has_transparency(image) else "RGB")
    except (OSError, SyntaxError, ValueError):
        raise InvalidInput(
            "The image could not be read to its end; it may be damaged. Save it again.",
            field="signature",
        ) from None
    converted.thumbnail(KEPT_SIZE)  # keeps the aspect ratio; never enlarges
    out = io.BytesIO()
    converted.save(out, "PNG", optimize=True)
    return out.getvalue()


def set_signature(session: Session, data: bytes) -> bytes:
    """Keep this image as the signature (one action, audited); returns the PNG kept."""
    png = normalized_png(data)
    practice = practice_row(session)
    before = _fingerprint(practice.signature_png)
    practice.signature_png = png
    session.flush()
    audit.record(
        session,
        "update",
        "practice",
        1,
        before={"signature": before},
        after={"signature": _fingerprint(png)},
    )
    return png


def set_signature_from_file(session: Session, path: Path) -> bytes:
    """Keep the image in this file as the signature."""
    return set_signature(session, read_signature_file(Path(path)))


def remove_signature(session: Session) -> None:
    """Print superbills with an empty signature box from now on."""
    practice = practice_row(session)
    if practice.signature_png is None:
        return
    before = _fingerprint(practice.signature_png)
    practice.signature_png = None
    session.flush()
    audit.record(
        session, "update", "practice", 1, before={"signature": before}, after={"signature": None}
    )


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _fingerprint(png: bytes | None) -> str | None:
    """What the audit log keeps of an image: its size and digest, not its pixels."""
    if png is None:
        return None
    return f"{len(png)} bytes, sha256 {hashlib.sha256(png).hexdigest()[:16]}"
