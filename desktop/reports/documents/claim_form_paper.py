"""The CMS-1500 (02/12) form itself, drawn in form ink for the plain-paper print.

Boxes, item numbers and captions follow the 02/12 form's layout on the print
grid (``claim_form_grid``), so the data lands in the same cells on this drawing
as on the red pre-printed form. Nothing here reads data; with no data on top it
is the blank form.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color, HexColor

from .claim_form_grid import CHAR, LINE, PAGE_WIDTH, baseline_of, edge_of, top_of, x_of

FORM_INK = HexColor("#C8262E")  # the red of the printed form ("dropout" red)
SHADE = Color(0.98, 0.87, 0.87)  # item 24's shaded supplemental lines
LABEL_FONT = "Helvetica"
LABEL_BOLD = "Helvetica-Bold"
LABEL_SIZE = 5.2
FIRST_COL, LAST_COL = 1, 79  # the form's box runs from column 1 to the edge before 79

# (label line, first column, last column, caption): a field's box, caption in its top left.
# The data line is the line below the caption unless the item says otherwise.
FIELDS: tuple[tuple[int, int, int, str], ...] = (
    (
        7,
        1,
        50,
        "1.",
    ),
    (7, 50, 79, "1a. INSURED'S I.D. NUMBER                         (For Program in Item 1)"),
    (9, 1, 30, "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)"),
    (9, 30, 50, "3. PATIENT'S BIRTH DATE                 SEX"),
    (9, 50, 79, "4. INSURED'S NAME (Last Name, First Name, Middle Initial)"),
    (11, 1, 30, "5. PATIENT'S ADDRESS (No., Street)"),
    (11, 30, 50, "6. PATIENT RELATIONSHIP TO INSURED"),
    (11, 50, 79, "7. INSURED'S ADDRESS (No., Street)"),
    (13, 1, 25, "CITY"),
    (13, 25, 30, "STATE"),
    (13, 30, 50, "8. RESERVED FOR NUCC USE"),
    (13, 50, 74, "CITY"),
    (13, 74, 79, "STATE"),
    (15, 1, 14, "ZIP CODE"),
    (15, 14, 30, "TELEPHONE (Include Area Code)"),
    (15, 50, 64, "ZIP CODE"),
    (15, 64, 79, "TELEPHONE (Include Area Code)"),
    (17, 1, 30, "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)"),
    (17, 30, 50, "10. IS PATIENT'S CONDITION RELATED TO:"),
    (17, 50, 79, "11. INSURED'S POLICY GROUP OR FECA NUMBER"),
    (19, 1, 30, "a. OTHER INSURED'S POLICY OR GROUP NUMBER"),
    (19, 30, 50, "a. EMPLOYMENT? (Current or Previous)"),
    (19, 50, 79, "a. INSURED'S DATE OF BIRTH                          SEX"),
    (21, 1, 30, "b. RESERVED FOR NUCC USE"),
    (21, 30, 50, "b. AUTO ACCIDENT?                  PLACE (State)"),
    (21, 50, 79, "b. OTHER CLAIM ID (Designated by NUCC)"),
    (23, 1, 30, "c. RESERVED FOR NUCC USE"),
    (23, 30, 50, "c. OTHER ACCIDENT?"),
    (23, 50, 79, "c. INSURANCE PLAN NAME OR PROGRAM NAME"),
    (25, 1, 30, "d. INSURANCE PLAN NAME OR PROGRAM NAME"),
    (25, 30, 50, "10d. CLAIM CODES (Designated by NUCC)"),
    (25, 50, 79, "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?"),
    (31, 1, 30, "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)"),
    (31, 30, 50, "15. OTHER DATE"),
    (31, 50, 79, "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION"),
    (33, 1, 30, "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE"),
    (33, 30, 50, "17a."),
    (33, 50, 79, "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES"),
    (35, 1, 50, "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)"),
    (35, 50, 79, "20. OUTSIDE LAB?                    $ CHARGES"),
    (37, 50, 79, "22. RESUBMISSION CODE          ORIGINAL REF. NO."),
    (39, 50, 79, "23. PRIOR AUTHORIZATION NUMBER"),
    (55, 1, 22, "25. FEDERAL TAX I.D. NUMBER"),
    (55, 22, 37, "26. PATIENT'S ACCOUNT NO."),
    (55, 37, 50, "27. ACCEPT ASSIGNMENT?"),
    (55, 50, 61, "28. TOTAL CHARGE"),
    (55, 61, 71, "29. AMOUNT PAID"),
    (55, 71, 79, "30. Rsvd for NUCC Use"),
)

# (line, column, caption): a check box on the data line, its caption just after it.
CHECK_BOXES: tuple[tuple[int, int, str], ...] = (
    (8, 1, "(Medicare#)"),
    (8, 8, "(Medicaid#)"),
    (8, 15, "(ID#/DoD#)"),
    (8, 24, "(Member ID#)"),
    (8, 31, "(ID#)"),
    (8, 39, "(ID#)"),
    (8, 45, "(ID#)"),
    (10, 42, "M"),
    (10, 47, "F"),
    (12, 33, ""),
    (12, 38, ""),
    (12, 42, ""),
    (12, 47, ""),
    (20, 35, "YES"),
    (20, 41, "NO"),
    (20, 68, "M"),
    (20, 75, "F"),
    (22, 35, "YES"),
    (22, 41, "NO"),
    (24, 35, "YES"),
    (24, 41, "NO"),
    (26, 52, "YES"),
    (26, 57, "NO"),
    (36, 52, "YES"),
    (36, 57, "NO"),
    (56, 17, ""),
    (56, 19, ""),
    (56, 38, "YES"),
    (56, 43, "NO"),
)

# (line, column, caption): small captions inside a box, where the form prints them.
CAPTIONS: tuple[tuple[float, float, str], ...] = (
    (7.3, 1, "MEDICARE"),
    (7.3, 8, "MEDICAID"),
    (7.3, 15, "TRICARE"),
    (7.3, 24, "CHAMPVA"),
    (6.95, 31, "GROUP"),
    (7.4, 31, "HEALTH PLAN"),
    (6.95, 39, "FECA"),
    (7.4, 39, "BLK LUNG"),
    (7.3, 45, "OTHER"),
    (9.3, 31, "MM     DD     YY"),
    (12, 30.2, "Self"),
    (12, 34.2, "Spouse"),
    (12, 39.4, "Child"),
    (12, 43.4, "Other"),
    (16, 14.3, "("),
    (16, 18.2, ")"),
    (16, 64.3, "("),
    (16, 68.2, ")"),
    (57, 65.3, "("),
    (57, 69.2, ")"),
    (18, 30.5, "a.-c.: check YES or NO"),
    (19.3, 53, "MM     DD     YY"),
    (26, 59, "If yes, complete items 9, 9a, and 9d."),
    (32, 1.5, "MM  DD  YY         QUAL."),
    (32, 30.5, "QUAL.    QUAL.   MM  DD  YY"),
    (32, 50.5, "FROM                        TO"),
    (34, 30.2, "17b. NPI"),
    (34, 50.5, "FROM                        TO"),
    (37, 36.5, "ICD Ind."),
    (38, 1.3, "A."),
    (38, 14.3, "B."),
    (38, 27.3, "C."),
    (38, 40.3, "D."),
    (39, 1.3, "E."),
    (39, 14.3, "F."),
    (39, 27.3, "G."),
    (39, 40.3, "H."),
    (40, 1.3, "I."),
    (40, 14.3, "J."),
    (40, 27.3, "K."),
    (40, 40.3, "L."),
    (55.6, 16.9, "SSN"),
    (55.6, 18.9, "EIN"),
    (56, 50.2, "$"),
    (56, 61.2, "$"),
    (61, 22.3, "a."),
    (61, 34.3, "b."),
    (61, 49.3, "a."),
    (61, 61.3, "b."),
)

# Item 24's columns: (first column, last column, caption lines).
ITEM_24: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (1, 19, ("24. A.  DATE(S) OF SERVICE", "From              To", "MM  DD  YY  MM  DD  YY")),
    (19, 22, ("B.", "PLACE OF", "SERVICE")),
    (22, 24, ("C.", "", "EMG")),
    (
        24,
        44,
        (
            "D. PROCEDURES, SERVICES, OR SUPPLIES",
            "(Explain Unusual Circumstances)",
            "CPT/HCPCS           MODIFIER",
        ),
    ),
    (44, 50, ("E.", "DIAGNOSIS", "POINTER")),
    (50, 59, ("F.", "", "$ CHARGES")),
    (59, 62, ("G.", "DAYS OR", "UNITS")),
    (62, 65, ("H.", "EPSDT", "Family Plan")),
    (65, 68, ("I.", "ID.", "QUAL.")),
    (68, 79, ("J.", "RENDERING", "PROVIDER ID. #")),
)


def draw_form(canv: Any) -> None:
    """The whole blank form, in form ink, on the current page."""
    canv.saveState()
    canv.setStrokeColor(FORM_INK)
    canv.setFillColor(FORM_INK)
    _header(canv)
    for line, first, last, caption in FIELDS:
        _box(canv, line, first, last, caption)
    # Item 8 runs down two field rows; its box's left edge continues beside line 15.
    canv.line(edge_of(30), top_of(15), edge_of(30), top_of(17))
    _signatures(canv)
    _diagnoses(canv)
    _service_lines(canv)
    _bottom(canv)
    for line, col, caption in CHECK_BOXES:
        _check_box(canv, line, col, caption)
    canv.setFont(LABEL_FONT, LABEL_SIZE)
    for line, col, caption in CAPTIONS:
        canv.drawString(x_of(col), baseline_of(line) + 1, caption)
    _outline(canv)
    canv.restoreState()


def _caption(canv: Any, line: float, col: float, text: str, *, bold: bool = False) -> None:
    canv.setFont(LABEL_BOLD if bold else LABEL_FONT, LABEL_SIZE)
    canv.drawString(edge_of(col) + 1.5, top_of(line) - LABEL_SIZE - 0.5, text)


def _box(canv: Any, line: int, first: int, last: int, caption: str, lines: int = 2) -> None:
    top, bottom = top_of(line), top_of(line + lines)
    canv.setLineWidth(0.5)
    canv.line(edge_of(first), top, edge_of(last), top)
    canv.line(edge_of(first), top, edge_of(first), bottom)
    _caption(canv, line, first, caption)


def _check_box(canv: Any, line: int, col: int, caption: str) -> None:
    size = CHAR - 0.8
    x = x_of(col) + 0.4
    y = baseline_of(line) - 0.8
    canv.setLineWidth(0.5)
    canv.rect(x, y, size, size, stroke=1, fill=0)
    if caption:
        canv.setFont(LABEL_FONT, LABEL_SIZE)
        canv.drawString(x + size + 1.2, y + 1.2, caption)


def _header(canv: Any) -> None:
    canv.setFont("Helvetica-Bold", 13)
    canv.drawString(x_of(1), baseline_of(4), "HEALTH INSURANCE CLAIM FORM")
    canv.setFont(LABEL_FONT, 5.5)
    canv.drawString(
        x_of(1), baseline_of(5), "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12"
    )
    canv.setFont(LABEL_BOLD, 6.5)
    for col, text in ((1, "PICA"), (73, "PICA")):
        canv.rect(x_of(col) + 0.7, baseline_of(6) - 1.2, CHAR - 1.4, CHAR - 1.4)
        canv.drawString(x_of(col) + CHAR + 1.5, baseline_of(6), text)
    canv.setLineWidth(1.2)
    right = edge_of(LAST_COL) + 6
    canv.line(right, top_of(1), right, top_of(7))
    canv.saveState()
    canv.translate(right + 5, (top_of(1) + top_of(7)) / 2)
    canv.rotate(90)
    canv.setFont(LABEL_BOLD, 6)
    canv.drawCentredString(0, 0, "CARRIER")
    canv.restoreState()


def _signatures(canv: Any) -> None:
    """Items 12 and 13, lines 27-30: the patient's and insured's authorizations."""
    top, bottom = top_of(27), top_of(31)
    canv.setLineWidth(0.5)
    canv.line(edge_of(FIRST_COL), top, edge_of(LAST_COL), top)
    canv.line(edge_of(50), top, edge_of(50), bottom)
    canv.line(edge_of(FIRST_COL), top, edge_of(FIRST_COL), bottom)
    canv.setFont(LABEL_BOLD, LABEL_SIZE + 0.4)
    canv.drawCentredString(
        (edge_of(1) + edge_of(50)) / 2,
        top - 7,
        "READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.",
    )
    texts = (
        (
            1,
            (
                "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE  I authorize the release of any "
                "medical or other information necessary",
                "to process this claim. I also request payment of government benefits either to "
                "myself or to the party who accepts assignment",
                "below.",
            ),
        ),
        (
            50,
            (
                "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE  I authorize",
                "payment of medical benefits to the undersigned physician or supplier for",
                "services described below.",
            ),
        ),
    )
    canv.setFont(LABEL_FONT, LABEL_SIZE)
    for col, lines in texts:
        for n, text in enumerate(lines):
            canv.drawString(edge_of(col) + 1.5, top - 13 - n * 6.2, text)
    canv.drawString(x_of(1), baseline_of(29), "SIGNED")
    canv.drawString(x_of(32), baseline_of(29), "DATE")
    canv.drawString(x_of(50.2), baseline_of(29), "SIGNED")
    for first, last in ((6, 31), (35, 49), (55, 78)):
        canv.line(x_of(first), baseline_of(29) - 1.5, x_of(last), baseline_of(29) - 1.5)
    canv.setLineWidth(1.2)
    canv.line(edge_of(FIRST_COL), bottom, edge_of(LAST_COL), bottom)


def _diagnoses(canv: Any) -> None:
    """Item 21, lines 37-40, with its A-L slots and the ICD indicator."""
    _box(
        canv,
        37,
        1,
        50,
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)",
        lines=4,
    )
    canv.setLineWidth(0.4)
    for line in (38, 39, 40):
        for col in (3, 16, 29, 42):
            y = baseline_of(line) - 1.5
            canv.line(x_of(col), y, x_of(col + 8) - 1, y)
    canv.line(x_of(42), baseline_of(37) - 1.5, x_of(43) - 1, baseline_of(37) - 1.5)
    canv.line(edge_of(50), top_of(39), edge_of(LAST_COL), top_of(39))


def _service_lines(canv: Any) -> None:
    """Item 24: the column captions (lines 41-42) and six shaded-and-plain line pairs."""
    top, bottom = top_of(41), top_of(55)
    canv.setLineWidth(0.5)
    canv.line(edge_of(FIRST_COL), top, edge_of(LAST_COL), top)
    for first, _last, captions in ITEM_24:
        canv.line(edge_of(first), top, edge_of(first), bottom)
        canv.setFont(LABEL_FONT, LABEL_SIZE)
        for n, caption in enumerate(captions):
            canv.drawString(edge_of(first) + 1.5, top - 6 - n * 6.8, caption)
    for row in range(6):
        shaded = 43 + 2 * row
        canv.saveState()
        canv.setFillColor(SHADE)
        canv.rect(
            edge_of(FIRST_COL),
            top_of(shaded + 1),
            edge_of(LAST_COL) - edge_of(1),
            LINE,
            stroke=0,
            fill=1,
        )
        canv.restoreState()
        canv.line(edge_of(FIRST_COL), top_of(shaded), edge_of(LAST_COL), top_of(shaded))
        canv.setFont(LABEL_BOLD, 7)
        canv.drawRightString(edge_of(FIRST_COL) - 2, baseline_of(shaded + 1), str(row + 1))
        # The NPI row of 24I and the split of 24J into its shaded and plain halves.
        canv.setFont(LABEL_FONT, LABEL_SIZE)
        canv.drawString(x_of(65), baseline_of(shaded + 1) + 1, "NPI")
    canv.line(edge_of(FIRST_COL), top_of(43), edge_of(LAST_COL), top_of(43))
    # The dashed dollars | cents divider in 24F.
    canv.setDash(1, 1.5)
    canv.line(edge_of(56), top_of(43), edge_of(56), bottom)
    canv.setDash()
    canv.line(edge_of(FIRST_COL), bottom, edge_of(LAST_COL), bottom)


def _bottom(canv: Any) -> None:
    """Items 31-33, lines 57-61, and the form's footer."""
    for first, last, caption in (
        (1, 22, "31. SIGNATURE OF PHYSICIAN OR SUPPLIER"),
        (22, 50, "32. SERVICE FACILITY LOCATION INFORMATION"),
        (50, 79, "33. BILLING PROVIDER INFO & PH #"),
    ):
        _box(canv, 57, first, last, caption, lines=5)
    canv.setFont(LABEL_FONT, LABEL_SIZE)
    for n, text in enumerate(
        (
            "INCLUDING DEGREES OR CREDENTIALS",
            "(I certify that the statements on the reverse",
            "apply to this bill and are made a part thereof.)",
        )
    ):
        canv.drawString(edge_of(1) + 1.5, top_of(57) - 10.5 - n * 5.5, text)
    canv.drawString(x_of(1), baseline_of(61), "SIGNED")
    canv.drawString(x_of(11.2), baseline_of(61), "DATE")
    canv.setLineWidth(0.4)
    canv.line(edge_of(22), top_of(61), edge_of(LAST_COL), top_of(61))
    for col in (35, 62):
        canv.line(edge_of(col), top_of(61), edge_of(col), top_of(62))
    canv.setLineWidth(1.2)
    canv.line(edge_of(FIRST_COL), top_of(62), edge_of(LAST_COL), top_of(62))
    canv.setFont(LABEL_FONT, 5.5)
    canv.drawString(x_of(1), baseline_of(63), "NUCC Instruction Manual available at: www.nucc.org")
    canv.setFont(LABEL_BOLD, 6.5)
    canv.drawCentredString(PAGE_WIDTH / 2, baseline_of(63), "PLEASE PRINT OR TYPE")
    canv.setFont(LABEL_FONT, 5.5)
    canv.drawRightString(
        edge_of(LAST_COL), baseline_of(63), "APPROVED OMB-0938-1197 FORM 1500 (02-12)"
    )


def _outline(canv: Any) -> None:
    """The heavy rule around the form's body and its side labels."""
    canv.setLineWidth(1.2)
    canv.line(edge_of(FIRST_COL), top_of(7), edge_of(LAST_COL), top_of(7))
    canv.line(edge_of(LAST_COL), top_of(7), edge_of(LAST_COL), top_of(62))
    canv.line(edge_of(FIRST_COL), top_of(7), edge_of(FIRST_COL), top_of(62))
    for first, last, text in (
        (7, 31, "PATIENT AND INSURED INFORMATION"),
        (31, 62, "PHYSICIAN OR SUPPLIER INFORMATION"),
    ):
        canv.saveState()
        canv.translate(edge_of(LAST_COL) + 6, (top_of(first) + top_of(last)) / 2)
        canv.rotate(90)
        canv.setFont(LABEL_BOLD, 6)
        canv.drawCentredString(0, 0, text)
        canv.restoreState()
