"""Many single-document PDFs joined into one, for printing a month's superbills at once.

Laying the month out a second time as one document cost as much as a third of
issuing it. The single PDFs already hold every page, so their objects are copied
into one file instead: renumbered, each page under the one page tree, and an
object that is the same in several of them (a font subset, the signature image)
written once. Each page's content stream is copied byte for byte, so it shows
what the superbill stored for its client shows.

Only the plain PDFs ``build_pdf`` writes are joined: a classic cross-reference
table, no encryption, no object streams. Anything else raises ``NotJoinable``
and the caller lays the batch out again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import DummyDoc, PDFString

_REF = re.compile(rb"(\d+) 0 R\b")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_TRAILER_REF = re.compile(rb"/(Root|Info|Encrypt) (\d+) 0 R")
_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_TEXT = rb"\((?:\\.|[^\\()])*\)"
_TITLED = re.compile(rb"/(Title|Subject) (" + _TEXT + rb"|<[0-9A-Fa-f]*>)")
_STREAM = b"\nstream\n"
_PAGES = 1  # the joined page tree's object number


class NotJoinable(ValueError):
    """A PDF this module does not take apart; lay the batch out instead."""


@dataclass(frozen=True)
class _Parsed:
    header: bytes  # the version line and the binary marker
    objects: dict[int, tuple[bytes, bytes]]  # number: (dictionary, stream and the rest)
    root: int
    info: int
    pages: int
    kids: list[int]


def join_pdfs(
    pdfs: Sequence[bytes],
    title: str,
    on_each: Callable[[int], None] | None = None,
    *,
    facts_from: int = 0,
) -> bytes:
    """``pdfs`` one after another in one PDF titled ``title``; its other document facts
    (author, dates, language) are those of ``pdfs[facts_from]``. ``on_each(n)`` runs
    when n are joined."""
    if not pdfs:
        raise ValueError("There are no PDFs to join.")
    bodies: list[bytes] = [b""]  # object 1 is the page tree, written last
    written: dict[bytes, int] = {}
    pages: list[int] = []
    facts: _Parsed | None = None
    for done, pdf in enumerate(pdfs, start=1):
        parsed = _parse(pdf)
        if done == 1:
            header = parsed.header
        if done == facts_from + 1:
            facts = parsed
        placed: dict[int, int] = {parsed.pages: _PAGES}

        def place(number: int, parsed: _Parsed = parsed, placed: dict[int, int] = placed) -> int:
            if number in placed:
                if placed[number] == 0:
                    raise NotJoinable("The PDF's objects refer to each other in a circle.")
                return placed[number]
            if number not in parsed.objects or number in (parsed.root, parsed.info):
                raise NotJoinable(f"Object {number} is not one a page can use.")
            placed[number] = 0
            dictionary, rest = parsed.objects[number]
            body = _REF.sub(lambda m: b"%d 0 R" % place(int(m[1])), dictionary) + rest
            if body in written and number not in parsed.kids:
                placed[number] = written[body]  # already written by an earlier PDF
            else:
                bodies.append(body)
                placed[number] = written[body] = len(bodies)
            return placed[number]

        pages += [place(kid) for kid in parsed.kids]
        if on_each is not None:
            on_each(done)
    if facts is None:
        raise ValueError(f"There is no PDF {facts_from} to take the document facts from.")
    kids = b" ".join(b"%d 0 R" % page for page in pages)
    bodies[0] = b"<<\n/Count %d /Kids [ %s ] /Type /Pages\n>>\n" % (len(pages), kids)
    bodies.append(_catalog(facts.objects[facts.root][0], facts.pages))
    bodies.append(_retitled(facts.objects[facts.info][0], title))
    return _file(header, bodies, root=len(bodies) - 1, info=len(bodies))


def _catalog(catalog: bytes, pages: int) -> bytes:
    refs = [int(m[1]) for m in _REF.finditer(catalog)]
    if refs != [pages]:
        raise NotJoinable("The PDF's catalog refers to more than its pages.")
    return _REF.sub(b"%d 0 R" % _PAGES, catalog)


def _retitled(info: bytes, title: str) -> bytes:
    text = PDFString(title).format(DummyDoc())
    return _TITLED.sub(lambda m: b"/" + m[1] + b" " + text, info)


def _file(header: bytes, bodies: list[bytes], *, root: int, info: int) -> bytes:
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    digest = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().encode()
    out += b"trailer\n<<\n/ID \n[<%s><%s>]\n" % (digest, digest)
    out += b" /Info %d 0 R /Root %d 0 R /Size %d\n>>\n" % (info, root, len(bodies) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _parse(pdf: bytes) -> _Parsed:
    """A PDF's objects by number, from its cross-reference table."""
    try:
        start = int(pdf[pdf.rindex(b"startxref") + 9 :].split()[0])
        table, _, trailer = pdf[start:].partition(b"trailer")
        if not table.startswith(b"xref"):
            raise NotJoinable("The PDF has no plain cross-reference table.")
        entries = _XREF_ENTRY.findall(table)
        refs = {name: int(number) for name, number in _TRAILER_REF.findall(trailer)}
        if b"Encrypt" in refs:
            raise NotJoinable("The PDF is encrypted.")
        used = sorted((int(o), n) for n, (o, _, kind) in enumerate(entries) if kind == b"n")
        ends = [offset for offset, _ in used[1:]] + [start]
        objects = {}
        for (offset, number), end in zip(used, ends, strict=True):
            head = b"%d 0 obj\n" % number
            chunk = pdf[offset:end]
            if not chunk.startswith(head) or not chunk.endswith(b"endobj\n"):
                raise NotJoinable(f"Object {number} is not where the table says.")
            body = chunk[len(head) : -len(b"endobj\n")]
            cut = body.find(_STREAM)
            objects[number] = (body, b"") if cut < 0 else (body[:cut], body[cut:])
        root, info = refs[b"Root"], refs[b"Info"]
        pages = int(_REF.search(objects[root][0].split(b"/Pages", 1)[1])[1])  # type: ignore[index]
        kids = [int(m[1]) for m in _REF.finditer(_KIDS.search(objects[pages][0])[1])]  # type: ignore[index]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        if isinstance(exc, NotJoinable):
            raise
        raise NotJoinable(f"The PDF could not be taken apart ({exc}).") from None
    return _Parsed(pdf[: used[0][0]], objects, root, info, pages, kids)
