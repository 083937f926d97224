"""A made-up handwritten signature for the demo practice, drawn rather than shipped.

A prolate cycloid makes the loops of joined-up handwriting; a slow swell in
their height and a closing stroke under them make it look signed by a hand.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

INK = (22, 32, 92, 255)
SIZE = (900, 240)  # drawn large and scaled down, so the strokes are smooth


def demo_signature_png() -> bytes:
    width, height = SIZE
    image = Image.new("RGBA", SIZE, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    loops, steps = 11, 1400
    stroke = []
    for i in range(steps + 1):
        t = i / steps * loops * 2 * math.pi
        swell = 0.55 + 0.45 * math.sin(t / loops * 1.7 + 0.4)  # taller, then lower, loops
        x = 60 + t * 11.5 - 26 * math.sin(t)
        y = height * 0.52 - 62 * swell * math.cos(t)
        stroke.append((x, y))
    draw.line(stroke, fill=INK, width=7, joint="curve")
    draw.line(
        [(40, height * 0.82), (320, height * 0.78), (620, height * 0.80), (860, height * 0.70)],
        fill=INK,
        width=6,
        joint="curve",
    )
    image = image.resize((width // 2, height // 2), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
