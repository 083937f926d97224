"""Arranging flowables: side by side, stacked, or on a shaded panel."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from .grid import Grid


class SideBySide(Flowable):
    """Two flowables next to each other, tops aligned; Grids are stretched to end level."""

    def __init__(self, left: Flowable, right: Flowable, left_width: float, gap: float) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.left_width = left_width
        self.gap = gap
        self._sizes = ((0.0, 0.0), (0.0, 0.0))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        widths = (self.left_width, available_width - self.left_width - self.gap)
        parts = (self.left, self.right)
        sizes = [
            part.wrapOn(self.canv, w, available_height)
            for part, w in zip(parts, widths, strict=True)
        ]
        self.height = max(h for _, h in sizes)
        for part in parts:
            if isinstance(part, Grid):
                part.stretch_to = self.height
        left_size, right_size = (
            part.wrapOn(self.canv, w, available_height)
            for part, w in zip(parts, widths, strict=True)
        )
        self._sizes = (left_size, right_size)
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        (_, left_h), (right_w, right_h) = self._sizes
        self.left.drawOn(self.canv, 0, self.height - left_h)
        # The right part hugs the right margin when it is narrower than its column.
        self.right.drawOn(self.canv, self.width - right_w, self.height - right_h)


class Stack(Flowable):
    """Flowables drawn one under another as a single unit (never split)."""

    def __init__(self, parts: Sequence[Flowable]) -> None:
        super().__init__()
        self.parts = tuple(parts)
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        canv = self.canv
        self._sizes = [part.wrapOn(canv, available_width, available_height) for part in self.parts]
        self.width = max((w for w, _ in self._sizes), default=0.0)
        self.height = sum(h for _, h in self._sizes)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for part, (_, height) in zip(self.parts, self._sizes, strict=True):
            y -= height
            part.drawOn(self.canv, 0, y)


class Boxed(Flowable):
    """A flowable on a filled, bordered panel with even padding."""

    def __init__(
        self, inner: Flowable, *, fill: Color, border: tuple[float, Color], padding: float
    ) -> None:
        super().__init__()
        self.inner = inner
        self.fill = fill
        self.border = border
        self.padding = padding

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        pad = 2 * self.padding
        _, inner_h = self.inner.wrapOn(self.canv, available_width - pad, available_height - pad)
        self.width, self.height = available_width, inner_h + pad
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(self.fill)
        canv.setLineWidth(self.border[0])
        canv.setStrokeColor(self.border[1])
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        canv.restoreState()
        self.inner.drawOn(canv, self.padding, self.padding)
