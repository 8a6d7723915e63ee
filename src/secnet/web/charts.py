"""Bar charts for the pages as SVG geometry: numbers in, rectangles and labels out.

The template draws the SVG from this plain data (so Jinja escapes every label, and
no script or inline style is needed: the page runs under a strict CSP).
"""

from __future__ import annotations

WIDTH = 440
ROW = 20
LABEL = 180
CUT = 28
#: Room right of the longest bar for its number ("16 + 2", "0.552"), so the text is not clipped.
VALUE_ROOM = 60


def bar_geometry(chart: dict, width: int = WIDTH) -> dict:
    """``chart`` (``title``, ``unit``, ``bars`` of ``{label, value, extra?}``) as rows of rectangles to draw.

    Each row: ``label`` (cut to :data:`CUT` characters, the full text in ``title``), ``y``, the bar's ``w``,
    and an ``extra`` bar (e.g. suspended partners) stacked after it.
    """
    bars = chart.get("bars") or []
    span = width - LABEL - VALUE_ROOM
    top = max((float(b["value"] or 0) + float(b.get("extra") or 0) for b in bars), default=0.0) or 1.0
    rows = []
    for i, b in enumerate(bars):
        value, extra = float(b["value"] or 0), float(b.get("extra") or 0)
        label = str(b["label"])
        rows.append({"label": label if len(label) <= CUT else label[:CUT - 1] + "…", "title": label, "y": i * ROW,
                     "w": round(span * value / top, 1), "extra_w": round(span * extra / top, 1),
                     "value": _number(value), "extra": _number(extra) if extra else None,
                     "text_x": LABEL + round(span * (value + extra) / top, 1) + 4})
    return {"title": chart.get("title", ""), "unit": chart.get("unit", ""), "extra_label": chart.get("extra_label"),
            "rows": rows, "width": width, "height": max(ROW, ROW * len(rows)), "label_w": LABEL}


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.3f}".rstrip("0")
