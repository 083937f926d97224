"""The practice at a glance: this month's charges and payments, what is owed, credit held,
and money received per month over the last year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from desktop.services.books.views import dashboard_view
from desktop.services.changes import Topic
from desktop.ui import style
from desktop.ui.charts import money_axis, nice_top
from desktop.ui.formatting import format_date, money_text
from desktop.ui.pages.base import Page, PageContext


class _Figure(QFrame):
    """One number with its caption, in a box."""

    def __init__(self, caption: str, name: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.SPACING, style.MARGIN, style.SPACING)
        self.caption = QLabel(caption)
        style.muted(self.caption)
        self.value = QLabel()
        self.value.setObjectName(name)
        self.value.setFont(style.title_font(self.value.font(), 1.6))
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)


class DashboardPage(Page):
    page_id = "dashboard"
    topics = frozenset({Topic.CLIENTS, Topic.SESSIONS, Topic.MONEY, Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SECTION_SPACING)
        self.heading = QLabel()
        self.heading.setFont(style.title_font(self.heading.font(), 1.3))
        layout.addWidget(self.heading)
        grid = QGridLayout()
        grid.setSpacing(style.SECTION_SPACING)
        self.charges = _Figure("Charged this month", "month_charges")
        self.payments = _Figure("Received this month", "month_payments")
        self.owed = _Figure("Owed to the practice (A/R)", "receivable")
        self.credit = _Figure("Client credit held", "credit")
        for column, figure in enumerate((self.charges, self.payments, self.owed, self.credit)):
            grid.addWidget(figure, 0, column)
        layout.addLayout(grid)
        self.chart = QChart()
        self.chart.setTitle("Received per month, less refunds")
        self.chart.legend().hide()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setBackgroundVisible(False)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(240)
        layout.addWidget(self.chart_view, 1)
        self.months: list[tuple[date, Decimal]] = []

    def refresh(self) -> None:
        view = self.runner.read(dashboard_view, date.today(), parent=self)
        if view is None:
            return
        today, month = view.today, view.month
        self.heading.setText(f"{today:%B %Y} — as of {format_date(today)}")
        self.charges.value.setText(money_text(month.charges))
        self.payments.value.setText(money_text(month.credit_received))
        self.owed.value.setText(money_text(month.closing))
        self.credit.value.setText(money_text(month.credit_closing))
        self.months = list(view.months)
        self._draw()

    def _draw(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        bars = QBarSet("Received")
        bars.setColor(self.palette().highlight().color())
        bars.setBorderColor(self.palette().highlight().color())
        # Bars in whole dollars: the chart shows a shape, the figures above are exact.
        values = [int(amount.to_integral_value()) for _m, amount in self.months]
        bars.append(values)
        series = QBarSeries()
        series.append(bars)
        self.chart.addSeries(series)
        months = QBarCategoryAxis()
        months.append([f"{m:%b %y}" for m, _a in self.months])
        top = nice_top(max((amount for _m, amount in self.months), default=Decimal(0)))
        values_axis = money_axis(Decimal(0), top)
        for axis, side in (
            (months, Qt.AlignmentFlag.AlignBottom),
            (values_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            self.chart.addAxis(axis, side)
            series.attachAxis(axis)
            axis.setLabelsColor(self.palette().text().color())
            axis.setGridLineColor(self.palette().mid().color())
            axis.setLinePenColor(self.palette().mid().color())
        self.chart.setTitleBrush(self.palette().text())

    def clear(self) -> None:
        for figure in (self.charges, self.payments, self.owed, self.credit):
            figure.value.clear()
        self.months = []
        self.chart.removeAllSeries()
        self.heading.clear()
