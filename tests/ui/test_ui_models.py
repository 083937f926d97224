"""Every table model passes pytest-qt's model tester, lazily fetched or not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.domain.kinds import UnitKind
from desktop.services.clients.diagnoses import DiagnosisRow
from desktop.services.clients.icd import IcdHit
from desktop.services.clients.units import MemberRow, UnitRow
from desktop.services.practice.catalog import PayerRow, PaymentMethodRow, ServiceRow
from desktop.ui.dialogs.diagnosis import HIT_COLUMNS
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import ROW_ROLE, SORT_ROLE, RowsModel
from desktop.ui.pages.client_detail import DIAGNOSIS_COLUMNS, MEMBER_COLUMNS
from desktop.ui.pages.clients import UNIT_COLUMNS
from desktop.ui.pages.settings.catalog import METHOD_COLUMNS, PAYER_COLUMNS, SERVICE_COLUMNS


def unit(n: int, owed: str = "0", last: date | None = None) -> UnitRow:
    return UnitRow(
        unit_id=n,
        ref=f"C-{n:04d}",
        kind=UnitKind.INDIVIDUAL,
        name=f"Client {n:04d}",
        active=n % 7 != 0,
        identified_patient_id=n,
        identified_patient_name=f"Legal {n:04d}",
        last_session=last,
        default_service_code="90837",
        default_fee=Decimal("190.00"),
        owed=Decimal(owed),
        credit=Decimal("0.00"),
    )


UNITS = [unit(n, f"{(n * 37) % 500}.00", date(2025, 1, 1 + n % 28)) for n in range(1, 451)]


def test_unit_model_fetches_lazily_and_passes(qtmodeltester: ModelTester) -> None:
    model: RowsModel[UnitRow] = RowsModel(UNIT_COLUMNS, batch=100)
    model.set_rows(UNITS)
    assert model.rowCount() == 100
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    qtmodeltester.check(model)  # it fetches more itself, as a view scrolling would
    model.fetch_all()
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_money_is_right_aligned_and_formatted() -> None:
    model: RowsModel[UnitRow] = RowsModel(UNIT_COLUMNS)
    model.set_rows([unit(1, "1234.5")])
    balance = model.index(0, 4)
    assert balance.data() == "$1,234.50"
    assert balance.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert balance.data(SORT_ROLE) == Decimal("1234.5")
    assert model.index(0, 1).data(ROW_ROLE).unit_id == 1
    assert (
        not model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    )


def test_proxy_searches_and_sorts_every_row(qtmodeltester: ModelTester) -> None:
    model: RowsModel[UnitRow] = RowsModel(UNIT_COLUMNS, batch=50)
    model.set_rows(UNITS)
    proxy = SearchProxy(model)
    qtmodeltester.check(proxy)
    proxy.sort(4, Qt.SortOrder.DescendingOrder)  # balance: a Decimal, not text
    assert proxy.rowCount() == 450  # sorting needs every row
    owed = [proxy.row_at(r).owed for r in range(proxy.rowCount())]
    assert owed == sorted(owed, reverse=True)
    proxy.set_search("c-044")
    assert sorted(proxy.row_at(r).unit_id for r in range(proxy.rowCount())) == list(range(440, 450))
    proxy.set_search("")
    assert proxy.rowCount() == 450


def test_empty_values_sort_last() -> None:
    model: RowsModel[UnitRow] = RowsModel(UNIT_COLUMNS)
    model.set_rows([unit(1), unit(2, last=date(2025, 5, 1)), unit(3, last=date(2024, 5, 1))])
    proxy = SearchProxy(model)
    proxy.sort(6, Qt.SortOrder.AscendingOrder)
    assert [proxy.row_at(r).unit_id for r in range(3)] == [3, 2, 1]


def test_other_models_pass(qtmodeltester: ModelTester) -> None:
    samples: list[tuple[tuple, list]] = [
        (
            DIAGNOSIS_COLUMNS,
            [DiagnosisRow(1, 1, "F43.23", "Adjustment disorder", 1, date(2025, 1, 1), None)],
        ),
        (
            MEMBER_COLUMNS,
            [MemberRow(1, "C-0001", "Alex Rivera", "Alex Rivera", "", 5000, True, True)],
        ),
        (HIT_COLUMNS, [IcdHit("F43.2", "Adjustment disorders", False)]),
        (METHOD_COLUMNS, [PaymentMethodRow(1, "Card", 290, Decimal("0.30"), True, 0)]),
        (
            SERVICE_COLUMNS,
            [ServiceRow(1, "90834", "Therapy", 45, Decimal("150.00"), True, True)],
        ),
        (PAYER_COLUMNS, [PayerRow(1, "Aetna", "", 180, 30, None, None, None, True)]),
    ]
    for columns, rows in samples:
        model: RowsModel = RowsModel(columns)
        model.set_rows(rows)
        qtmodeltester.check(model)
        qtmodeltester.check(SearchProxy(model))


def test_sort_keys_follow_new_rows() -> None:
    # Keys are cached per column; new rows must not be sorted by the old rows' keys.
    model: RowsModel[UnitRow] = RowsModel(UNIT_COLUMNS)
    proxy = SearchProxy(model)
    model.set_rows([unit(1, "10.00"), unit(2, "20.00")])
    proxy.sort(4, Qt.SortOrder.AscendingOrder)
    assert [proxy.row_at(r).unit_id for r in range(2)] == [1, 2]
    model.set_rows([unit(1, "30.00"), unit(2, "20.00")])
    proxy.sort(4, Qt.SortOrder.AscendingOrder)
    assert [proxy.row_at(r).unit_id for r in range(2)] == [2, 1]


def test_columns_fit_new_rows_but_not_each_search(qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.ui.widgets.tables import make_table

    model: RowsModel[UnitRow] = RowsModel(UNIT_COLUMNS)
    proxy = SearchProxy(model)
    view = make_table(proxy, stretch_column=None)
    qtbot.addWidget(view)
    view.resize(1400, 400)
    view.show()
    model.set_rows(UNITS[:20])
    name_width = view.fontMetrics().horizontalAdvance("Client 0001")
    qtbot.waitUntil(lambda: name_width <= view.columnWidth(1) < name_width * 2)
    model.set_rows([replace(UNITS[0], name="X" * 60), *UNITS[1:20]])
    qtbot.waitUntil(lambda: view.columnWidth(1) > name_width * 3)  # new rows: fitted again
    before = [view.columnWidth(c) for c in range(model.columnCount())]
    proxy.set_search("0002")  # the long name is hidden, and the columns stay put
    qtbot.wait(20)
    assert proxy.rowCount() == 1
    assert [view.columnWidth(c) for c in range(model.columnCount())] == before
