"""Look and feel: one place for spacing, the color of error text and the palette.

Colors come from the palette so the same widgets read well in light and dark
schemes; only the error red is chosen here, lighter on a dark background.
"""

from __future__ import annotations

import os
import textwrap

from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QLabel,
    QProxyStyle,
    QSizePolicy,
    QSpacerItem,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionHeader,
    QWidget,
)

SPACING = 8  # between related controls
SECTION_SPACING = 16  # between groups
MARGIN = 16  # around a page


class _Style(QProxyStyle):
    """Fusion with room either side of the text in list and table cells (Qt's is ~3 px,
    which lets neighboring columns touch)."""

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        if metric == QStyle.PixelMetric.PM_FocusFrameHMargin and isinstance(
            widget, QAbstractItemView
        ):
            return SPACING - 1  # Qt adds 1
        if metric == QStyle.PixelMetric.PM_HeaderMargin:
            return SPACING  # so a header's text lines up with its column's
        return super().pixelMetric(metric, option, widget)

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        # Fusion draws a sorted column's arrow over a right-aligned title (amounts,
        # dates); the title keeps clear of it.
        if (
            element == QStyle.ControlElement.CE_HeaderLabel
            and isinstance(option, QStyleOptionHeader)
            and option.sortIndicator != QStyleOptionHeader.SortIndicator.None_
        ):
            arrow = self.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, option, widget)
            option = QStyleOptionHeader(option)
            option.rect = option.rect.adjusted(0, 0, -arrow - SPACING, 0)
        super().drawControl(element, option, painter, widget)


def apply(app: QApplication) -> None:
    """Fusion everywhere (the same look on every OS), following the system color scheme.

    ``QUIETLEDGER_THEME=dark|light`` forces a scheme, for screenshots and testing.
    """
    from PySide6.QtCore import Qt

    app.setStyle(_Style(QStyleFactory.create("Fusion")))
    forced = os.environ.get("QUIETLEDGER_THEME", "").strip().lower()
    schemes = {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}
    if forced in schemes:
        app.styleHints().setColorScheme(schemes[forced])
        # Platforms without a colour-scheme setting ignore the request; say it ourselves.
        dark_now = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        if dark_now != (forced == "dark"):
            app.setPalette(dark_palette() if forced == "dark" else app.style().standardPalette())


def dark_palette() -> QPalette:
    """A plain dark palette for Fusion, for systems that have none of their own."""
    roles = QPalette.ColorRole
    palette = QPalette()
    colours = {
        roles.Window: "#2b2b2b",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1f1f1f",
        roles.AlternateBase: "#262626",
        roles.ToolTipBase: "#333333",
        roles.ToolTipText: "#e6e6e6",
        roles.PlaceholderText: "#8a8a8a",
        roles.Text: "#e6e6e6",
        roles.Button: "#353535",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Highlight: "#2f6db5",
        roles.HighlightedText: "#ffffff",
        roles.Link: "#6ab0ff",
        roles.Light: "#4a4a4a",
        roles.Midlight: "#3d3d3d",
        roles.Mid: "#2f2f2f",
        roles.Dark: "#1a1a1a",
        roles.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.ButtonText, roles.WindowText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    return palette


def is_dark(widget: QWidget | None = None) -> bool:
    palette = widget.palette() if widget else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(widget: QWidget | None = None) -> QColor:
    return QColor("#ff7b72") if is_dark(widget) else QColor("#b42318")


def muted_color(widget: QWidget | None = None) -> QColor:
    """Secondary text: between the text and its background, readable in both schemes
    (the palette's disabled color is too faint for text meant to be read)."""
    palette = widget.palette() if widget else QApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    mix = 0.45  # share of the background
    return QColor(
        round(text.red() * (1 - mix) + back.red() * mix),
        round(text.green() * (1 - mix) + back.green() * mix),
        round(text.blue() * (1 - mix) + back.blue() * mix),
    )


def muted(label: QLabel) -> QLabel:
    """Show ``label`` as secondary text (see ``muted_color``); returns it."""
    palette = label.palette()
    palette.setColor(label.foregroundRole(), muted_color(label))
    label.setPalette(palette)
    return label


def in_error_color(label: QLabel) -> QLabel:
    """Show ``label`` as a problem (see ``error_color``); returns it."""
    palette = label.palette()
    palette.setColor(label.foregroundRole(), error_color(label))
    label.setPalette(palette)
    return label


def keep_min_width(layout: QBoxLayout, width: int) -> None:
    """Hold a dialog at least ``width`` pixels wide and still let it widen for longer
    lines: ``setMinimumWidth`` would fix its minimum, cutting any wider line."""
    policy = QSizePolicy.Policy
    layout.addSpacerItem(QSpacerItem(width, 0, policy.Minimum, policy.Fixed))


def problem_label(text: str, width: int = 72) -> QLabel:
    """A checker's problem as a line (or a few) in the error color, folded at ``width``
    characters. Folded here rather than word-wrapped by Qt: a wrapped label added to a
    dialog already shown gets the height of one line, and its lines overlap."""
    label = QLabel(textwrap.fill(f"✗  {text}", width, subsequent_indent="    "))
    label.setAccessibleName(text)
    return in_error_color(label)


def title_font(base: QFont, scale: float = 1.4) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(True)
    return font


def small_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * 0.9)
    return font
