"""The Reports page's charts: income per month and A/R by aging bucket (QtCharts).

Amounts stay Decimal up to the chart itself; only the bar heights are floats,
because that is what QtCharts draws with. Labels and tooltips show the exact
Decimal text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from desktop.domain.money import ZERO, format_money
from desktop.ui import style
from desktop.ui.formatting import money_text


@dataclass(frozen=True)
class Bar:
    label: str  # in tooltips
    amount: Decimal
    axis_label: str = ""  # under the bar, when shorter than the label; unique per chart


def month_starts(last: date, count: int) -> list[date]:
    """The first days of the ``count`` months ending with ``last``'s month, oldest first."""
    year, month = last.year, last.month
    found = []
    for _ in range(count):
        found.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return found[::-1]


def income_by_month(rows: Sequence[object], starts: Sequence[date]) -> list[Bar]:
    """Net income (gross less fees, less refunds) per month from ``books.income`` rows."""
    totals = dict.fromkeys(starts, ZERO)
    for row in rows:
        on: date = row.on  # type: ignore[attr-defined]
        key = on.replace(day=1)
        if key in totals:
            totals[key] += row.net - row.refunds  # type: ignore[attr-defined]
    # Twelve month names are unique and fit across; two years need the year too.
    axis = "%b" if len(starts) <= 12 else "%b %y"
    return [Bar(start.strftime("%B %Y"), totals[start], start.strftime(axis)) for start in starts]


def nice_top(amount: Decimal) -> Decimal:
    """A round axis maximum a little above ``amount``: 1, 2, 2.5 or 5 times a power of ten."""
    if amount <= 0:
        return Decimal(100)
    power = Decimal(10) ** (len(str(int(amount))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if amount <= power * step:
            return power * step
    return power * 10


def axis_money_text(amount: Decimal) -> str:
    """``$15,000`` for a whole-dollar tick, ``$62.50`` otherwise: the tiles' format, less
    the cents an axis does not need."""
    text = format_money(amount)
    return text.removesuffix(".00")


def axis_ticks(low: Decimal, top: Decimal, steps: int = 4) -> list[Decimal]:
    """Tick values from zero up to ``top`` in ``steps`` equal steps, continued below
    zero down to ``low`` when some amount is negative."""
    step = top / steps
    ticks = [step * i for i in range(steps + 1)]
    below = -step
    while low < 0 and below >= low - step:
        ticks.insert(0, below)
        below -= step
    return ticks


def money_axis(low: Decimal, top: Decimal) -> QCategoryAxis:
    """A value axis labeled like the money beside it (``$15,000``, never ``$15000``).

    QValueAxis labels go through a printf format, which has no thousands separator, so
    the ticks are category labels placed on their values.
    """
    ticks = axis_ticks(min(low, ZERO), top)
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(float(ticks[0]), float(ticks[-1]))  # drawing only; the labels are exact
    axis.setStartValue(float(ticks[0]))
    for tick in ticks:
        axis.append(axis_money_text(tick), float(tick))
    return axis


class BarChart(QChartView):
    """One series of bars with exact amounts in the tooltips; ``save_png`` exports it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._title = title
        self.bars: list[Bar] = []
        self.setMinimumHeight(260)
        self.show_bars([])

    def show_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        chart = QChart()
        chart.setTitle(self._title)
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        if style.is_dark(self):
            chart.setTheme(QChart.ChartTheme.ChartThemeDark)
        series = QBarSeries()
        bar_set = QBarSet(self._title)
        for bar in self.bars:
            bar_set.append(float(bar.amount))  # drawing only; the labels are exact
        series.append(bar_set)
        bar_set.hovered.connect(self._hovered)
        chart.addSeries(series)
        bottom = self._bottom_axis()
        chart.addAxis(bottom, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(bottom)
        top = nice_top(max((bar.amount for bar in self.bars), default=ZERO))
        low = min((bar.amount for bar in self.bars), default=ZERO)
        amounts = money_axis(low, top)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(amounts)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _bottom_axis(self) -> QAbstractAxis:
        if len(self.bars) <= 12:
            axis = QBarCategoryAxis()
            axis.append([bar.axis_label or bar.label for bar in self.bars])
            return axis
        # More bars than names fit under: a name under every third bar, at the bar itself.
        spaced = QCategoryAxis()
        spaced.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        spaced.setRange(-0.5, len(self.bars) - 0.5)
        spaced.setGridLineVisible(False)
        for i in range(0, len(self.bars), 3):
            spaced.append(self.bars[i].axis_label or self.bars[i].label, i)
        return spaced

    def _hovered(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self.bars):
            bar = self.bars[index]
            self.setToolTip(f"{bar.label}: {money_text(bar.amount)}")
        else:
            self.setToolTip("")

    def save_png(self, path: Path | str) -> bool:
        """The chart as drawn on screen, as a PNG file."""
        return self.grab().save(str(path), "PNG")
