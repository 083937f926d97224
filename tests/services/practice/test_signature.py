"""The provider's signature image: what is accepted, how it is kept, and where it prints."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select

from db.models import AuditEntry
from desktop.demo.signature import demo_signature_png
from desktop.services.documents import store as documents_store
from desktop.services.documents import superbills
from desktop.services.errors import InvalidInput
from desktop.services.practice import signature
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.exporting import export_all
from desktop.services.transfer.importing.everything import import_folder
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.services.documents.test_superbill_service import ISSUED, february, issue


def _image(kind: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(image).line([(5, size[1] - 5), (size[0] - 5, 5)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def _opened(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def test_a_transparent_png_is_kept_as_png_with_its_transparency(workspace: Workspace) -> None:
    kept = workspace.run(signature.set_signature, _image("PNG", (400, 120), "RGBA"))
    assert workspace.read(signature.get_signature) == kept
    image = _opened(kept)
    assert (image.mode, image.size) == ("RGBA", (400, 120))


def test_a_large_jpeg_photo_becomes_a_png_no_larger_than_the_box_needs(
    workspace: Workspace,
) -> None:
    kept = workspace.run(signature.set_signature, _image("JPEG", (3600, 1200)))
    image = _opened(kept)
    assert image.mode == "RGB"
    assert image.size == signature.KEPT_SIZE  # the same 3:1 shape, scaled down


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"Dear insurer, please pay.", "not a PNG or JPEG image"),
        (_image("GIF", (300, 100), "L"), "That is a GIF image"),
        (_image("PNG", (30, 8)), "only 30 x 8 pixels"),
        (_image("PNG", (400, 120))[:200], "could not be read to its end"),
    ],
)
def test_what_is_not_a_usable_image_is_refused_and_nothing_changes(
    workspace: Workspace, data: bytes, says: str
) -> None:
    before = workspace.read(signature.get_signature)
    with pytest.raises(InvalidInput, match=says) as refused:
        workspace.run(signature.set_signature, data)
    assert refused.value.field == "signature"
    assert workspace.read(signature.get_signature) == before


def test_files_too_large_or_missing_are_explained(tmp_path: Path) -> None:
    big = tmp_path / "scan.png"
    big.write_bytes(b"\0" * (signature.MAX_FILE_BYTES + 1))
    with pytest.raises(InvalidInput, match=r"scan\.png is 5\.0 MB; .* under 5 MB"):
        signature.read_signature_file(big)
    with pytest.raises(InvalidInput, match=r"gone\.png could not be read"):
        signature.read_signature_file(tmp_path / "gone.png")


def test_changes_are_audited_by_digest_not_by_pixels(workspace: Workspace) -> None:
    workspace.run(signature.set_signature, _image("PNG", (400, 120)))
    workspace.run(signature.remove_signature)
    workspace.run(signature.remove_signature)  # nothing to remove: nothing recorded
    assert workspace.read(signature.get_signature) is None
    entries = workspace.read(
        lambda s: [
            (e.before_json, e.after_json)
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if "signature" in e.after_json
        ]
    )
    assert len(entries) == 2
    added, removed = entries
    assert "sha256" in added[1]
    assert "null" in removed[1]
    assert all(len(before) + len(after) < 300 for before, after in entries)


def _images_on_first_page(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_superbills_print_the_signature_kept_when_they_were_issued(workspace: Workspace) -> None:
    unit = workspace.run(february)
    unsigned = issue(workspace, unit)
    workspace.run(signature.set_signature, demo_signature_png())
    signed = workspace.run(superbills.correct_superbill, unsigned.id, issued_on=ISSUED)
    assert _images_on_first_page(workspace.read(documents_store.reprint, unsigned.id)) == 0
    assert _images_on_first_page(workspace.read(documents_store.reprint, signed.id)) == 1
    workspace.run(signature.remove_signature)
    # An issued document is kept as it was issued.
    assert _images_on_first_page(workspace.read(documents_store.reprint, signed.id)) == 1


def test_an_export_carries_the_signature_and_import_all_restores_it(
    workspace: Workspace, tmp_path: Path, profile: Profile
) -> None:
    kept = workspace.run(signature.set_signature, demo_signature_png())
    result = workspace.read(export_all, tmp_path / "export")
    written = result.folder / signature.EXPORT_FILE
    assert signature.EXPORT_FILE in result.files
    assert written.read_bytes() == kept
    assert stat.S_IMODE(written.stat().st_mode) == 0o600

    fresh = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    try:
        fresh.run(create_practice, profile)
        fresh.run(import_folder, result.folder)
        assert fresh.read(signature.get_signature) == kept
        again = fresh.run(import_folder, result.folder)  # already there: nothing changes
        assert next(r for r in again if r.kind == "practice").added == 0
    finally:
        fresh.close()
