"""The statement of account, laid out for a #10 double-window envelope.

The sheet is C-folded in thirds (folds at 3 2/3" and 7 1/3" from the top,
marked by short ticks at the left edge) with the top third facing the
windows. Fixed positions on the first page, measured from the sheet's
top-left corner to the top of the first line of text:

* remit-to (practice) block: 0.75" from the left, 0.5" from the top, at most
  2.75" wide, three lines of 9 pt (name, street, city);
* client mailing block: 1.0" from the left, 2.25" from the top, at most
  3.25" wide, four lines of 10 pt (name, two street lines, city).

They assume the common #10 double-window envelope (9 1/2" x 4 1/8"): a return
window 3 1/2" x 1" at 3/4" from the left and 2 5/8" from the bottom, and an
address window 4 1/2" x 1 1/8" at 7/8" from the left and 1/2" from the bottom
(envelope makers measure from the left and the bottom, flap up), with the
folded sheet resting on the envelope's bottom edge and free to slide 1/4"
either way. The address then keeps the 1/8" clearance USPS asks for on every
side. Check one printed statement against the practice's own envelopes.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop.domain.money import ZERO, format_money

from .fonts import BOLD, REGULAR, ensure_fonts
from .grid import LEFT, RIGHT, Column, Grid
from .layout import (
    CONTENT_WIDTH,
    INCH,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    DocumentStart,
    build_pdf,
)
from .rows import StatementDoc
from .style import ACCENT, INK, MUTED, RULE, SHADE, city_line, long_date, us_date
from .tables import flexible_columns, heading, itemised, summary, text_block

TITLE = "Statement"

# (left, top, width) in points from the sheet's top-left corner; see the module docstring.
REMIT_BLOCK = (0.75 * INCH, 0.5 * INCH, 2.75 * INCH)
ADDRESS_BLOCK = (1.0 * INCH, 2.25 * INCH, 3.25 * INCH)
FOLDS = (PAGE_HEIGHT / 3, PAGE_HEIGHT * 2 / 3)  # from the top
BODY_TOP = 3.8 * INCH  # the account summary starts just below the first fold
_RIGHT_X = 5.3 * INCH  # statement details: clear of the address window however the sheet slides

AGING_HEADERS = ("Current", "1-30 days", "31-60 days", "61-90 days", "Over 90 days")
_OPEN_COLUMNS = (
    ("Date", 62, LEFT),
    ("Service", 0, LEFT),
    ("Charged", 72, RIGHT),
    ("Paid or\ncredited", 72, RIGHT),
    ("Still owed", 82, RIGHT),
)
_COLUMNS = (
    ("Date", 62, LEFT),
    ("Description", 0, LEFT),
    ("Charges", 78, RIGHT),
    ("Payments\nand credits", 78, RIGHT),
    ("Balance", 82, RIGHT),
)


def render_statement(doc: StatementDoc) -> bytes:
    """The statement as PDF bytes; equal rows give identical bytes."""
    ensure_fonts()  # before anything is measured
    story: list[Flowable] = [
        DocumentStart(f"{TITLE} {doc.number} · {doc.client.name}"),
        Spacer(1, BODY_TOP - MARGIN_TOP),
        *_body(doc),
    ]
    return build_pdf(
        story,
        title=f"{TITLE} {doc.number}",
        author=doc.practice.name,
        created=doc.issued_on,
        first_page=lambda canvas, _template: _first_page(canvas, doc),
    )


def remit_lines(doc: StatementDoc) -> list[str]:
    """Name, street (one line) and city: three lines fit the return window."""
    p = doc.practice
    street = ", ".join(_street_lines(p.address))
    return [line for line in (p.name, street, city_line(p.city, p.state, p.zip)) if line]


def mailing_lines(doc: StatementDoc) -> list[str]:
    """Name, up to two street lines and city: four lines fit the address window."""
    c = doc.client
    street = _street_lines(c.address)
    if len(street) > 2:
        street = [street[0], ", ".join(street[1:])]
    return [line for line in (c.name, *street, city_line(c.city, c.state, c.zip)) if line]


def _street_lines(address: str) -> list[str]:
    return [part.strip() for part in address.splitlines() if part.strip()]


def _first_page(canvas: Canvas, doc: StatementDoc) -> None:
    canvas.saveState()
    _block(canvas, REMIT_BLOCK, remit_lines(doc), size=9, leading=10.5)
    _block(canvas, ADDRESS_BLOCK, mailing_lines(doc), size=10, leading=12)
    _details(canvas, doc)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    for fold in FOLDS:
        y = PAGE_HEIGHT - fold
        canvas.line(0.2 * INCH, y, 0.35 * INCH, y)
    canvas.restoreState()


def _block(
    canvas: Canvas,
    block: tuple[float, float, float],
    lines: list[str],
    *,
    size: float,
    leading: float,
) -> None:
    """Lines of an address, first line bold, top-left at ``block``; never wider than it."""
    left, top, width = block
    y = PAGE_HEIGHT - top - size
    canvas.setFillColor(INK)
    for number, text in enumerate(lines):
        font = BOLD if number == 0 else REGULAR
        canvas.setFont(font, size)
        canvas.drawString(left, y, _clip(text, font, size, width))
        y -= leading


def _clip(text: str, font: str, size: float, width: float) -> str:
    """Shorten text that would run past the window edge (a very long name)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _details(canvas: Canvas, doc: StatementDoc) -> None:
    """Title, number, dates and the amount due, right of the windows."""
    right = PAGE_WIDTH - MARGIN_X
    y = PAGE_HEIGHT - 0.5 * INCH - 20
    canvas.setFillColor(ACCENT)
    canvas.setFont(BOLD, 20)
    canvas.drawRightString(right, y, TITLE)
    rows = [
        ("Statement no.", doc.number),
        ("Statement date", us_date(doc.issued_on)),
        ("Period", _period(doc)),
    ]
    if doc.practice.phone:
        rows.append(("Questions", doc.practice.phone))
    y -= 20
    for label, value in rows:
        canvas.setFont(REGULAR, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(_RIGHT_X, y, label)
        canvas.setFillColor(INK)
        canvas.drawRightString(right, y, value)
        y -= 12
    # The amount due, boxed, so it is the first thing read.
    box_top = y - 4
    box_height = 46
    canvas.setFillColor(SHADE)
    canvas.setStrokeColor(RULE)
    canvas.rect(_RIGHT_X - 6, box_top - box_height, right - _RIGHT_X + 6, box_height, fill=1)
    canvas.setFillColor(INK)
    if doc.credit_on_account > 0:
        heading, amount = "Credit on account", format_money(doc.credit_on_account)
        note = "Nothing is due."
    else:
        heading, amount = "Amount due", format_money(doc.amount_due)
        note = f"Please pay by {us_date(doc.due_on)}" if doc.due_on else "Due on receipt"
        if doc.amount_due == 0:
            note = "Nothing is due."
    canvas.setFont(BOLD, 9)
    canvas.drawString(_RIGHT_X, box_top - 14, heading)
    canvas.setFont(BOLD, 14)
    canvas.drawRightString(right - 6, box_top - 17, amount)
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(MUTED)
    canvas.drawString(_RIGHT_X, box_top - 36, note)


def _period(doc: StatementDoc) -> str:
    if doc.period_from is None:
        return f"through {us_date(doc.as_of)}"
    return f"{us_date(doc.period_from)} to {us_date(doc.as_of)}"


def _body(doc: StatementDoc) -> list[Flowable]:
    start = f"before {us_date(doc.period_from)}" if doc.period_from else "forward"
    totals = summary(
        [
            (f"Balance {start}", format_money(doc.opening_balance)),
            ("New charges", format_money(doc.total_charges)),
            ("Payments and credits", format_money(-doc.total_credits)),
            (f"Balance on {us_date(doc.as_of)}", format_money(doc.closing_balance)),
        ],
        260,
        emphasise_last=True,
        caption="Account summary",
    )
    closing: list[Flowable] = [text_block(_due_sentence(doc), font=BOLD)]
    if doc.message:
        closing += [Spacer(1, 4), text_block(doc.message)]
    contact = " or ".join(part for part in (doc.practice.phone, doc.practice.email) if part)
    payable = f"Please make checks payable to {doc.practice.name}."
    if contact:
        payable += f" Questions about this statement: {contact}."
    closing += [Spacer(1, 6), text_block(payable, size=7.5, color=MUTED)]
    story: list[Flowable] = [totals, Spacer(1, 12)]
    if doc.aging:
        story += [_aging(doc), Spacer(1, 12)]
    story += [_open_charges(doc), Spacer(1, 12), _activity(doc), Spacer(1, 12)]
    return [*story, KeepTogether(closing)]


def _aging(doc: StatementDoc) -> Flowable:
    """One line: what the open charges owe by how long past due, and their total."""
    width = CONTENT_WIDTH / (len(AGING_HEADERS) + 1)
    columns = [Column(width, align=RIGHT) for _ in range(len(AGING_HEADERS) + 1)]
    cells = [format_money(amount) for amount in doc.aging]
    grid = itemised(
        columns, [*AGING_HEADERS, "Total owed"], [[*cells, format_money(sum(doc.aging, ZERO))]]
    )
    return KeepTogether([heading("How long the open charges have been due"), grid])


def _open_charges(doc: StatementDoc) -> Flowable:
    """Every charge still owed, however old: date, service, charged, paid, still owed."""
    caption = "Open charges"
    if not doc.open_items:
        return KeepTogether([heading(caption), text_block("No charges are open.")])
    columns = flexible_columns(_OPEN_COLUMNS)
    body = [
        [
            us_date(item.on),
            item.service,
            format_money(item.charged),
            format_money(item.paid) if item.paid else "",
            format_money(item.owed),
        ]
        for item in doc.open_items
    ]
    label, due = "Still owed", doc.open_total
    if doc.credit_held > 0:
        body.append(["", "Less credit on account", "", "", format_money(-doc.credit_held)])
        label, due = "Balance after credit", doc.closing_balance
    total = ["", label, "", "", format_money(due)]
    headers = [header for header, _, _ in _OPEN_COLUMNS]
    return itemised(columns, headers, body, total, caption=caption)


def _due_sentence(doc: StatementDoc) -> str:
    if doc.credit_on_account > 0:
        amount = format_money(doc.credit_on_account)
        return f"You have a credit of {amount} on your account. Nothing is due."
    if doc.amount_due == 0:
        return "Your account is paid in full. Thank you."
    when = f"by {long_date(doc.due_on)}" if doc.due_on else "on receipt"
    return f"Amount due: {format_money(doc.amount_due)}, payable {when}."


def _activity(doc: StatementDoc) -> Grid:
    columns = flexible_columns(_COLUMNS)
    first = us_date(doc.period_from) if doc.period_from else ""
    body = [[first, "Balance forward", "", "", format_money(doc.opening_balance)]]
    caption = f"Account activity from {first}" if first else "Account activity"
    if doc.last_statement_on is not None:
        caption = f"Activity since your last statement, of {us_date(doc.last_statement_on)}"
    for line, balance in zip(doc.lines, doc.running_balances, strict=True):
        body.append(
            [
                us_date(line.on),
                line.description,
                format_money(line.charge) if line.charge else "",
                format_money(line.credit) if line.credit else "",
                format_money(balance),
            ]
        )
    total = [
        "",
        "Totals",
        format_money(doc.total_charges),
        format_money(doc.total_credits),
        format_money(doc.closing_balance),
    ]
    headers = [header for header, _, _ in _COLUMNS]
    return itemised(columns, headers, body, total, caption=caption)
