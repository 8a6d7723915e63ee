"""Charts for briefings, drawn with matplotlib and returned as PNG bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"member": "#1f4e9c", "partner": "#f28e2b", "other": "#9a9a9a"}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def shell_positions(rings: list[list[str]], radii: tuple[float, ...] = (1.0, 1.55, 2.05)) -> dict[str, tuple[float, float]]:
    """Concentric circles: ``rings[k]``'s actors evenly spaced on the circle of radius ``radii[k]``, in the given order."""
    import math

    pos = {}
    for k, ids in enumerate(rings):
        n = max(1, len(ids))
        offset = 0.5 * (k % 2)  # stagger the rings so labels do not line up
        for i, a in enumerate(ids):
            t = 2 * math.pi * (i + offset) / n
            pos[a] = (radii[k] * math.cos(t), radii[k] * math.sin(t))
    return pos


def network_png(nodes: list[dict], edges: list[tuple[str, str, float]], title: str) -> bytes:
    """Nodes: dicts with id, x, y, group (member/partner/other), size; edges: (a, b, weight).

    Labels sit outside each dot, away from the centre, so that rings of actors stay readable.
    """
    import math

    fig, ax = plt.subplots(figsize=(8.2, 8.2))
    pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
    top = max((w for _, _, w in edges), default=1.0)
    for a, b, w in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.plot([x0, x1], [y0, y1], color="#9aa6b5", linewidth=0.2 + 1.6 * w / top, alpha=0.35, zorder=1)
    for group, colour in COLOURS.items():
        pts = [n for n in nodes if n["group"] == group]
        ax.scatter([n["x"] for n in pts], [n["y"] for n in pts], s=[14 + 5 * n.get("size", 1) for n in pts],
                   color=colour, label={"member": "NATO member", "partner": "NATO partner", "other": "other"}[group],
                   zorder=2, edgecolors="white", linewidths=0.5)
        for n in pts:
            t = math.atan2(n["y"], n["x"])
            ax.annotate(n["id"], (n["x"], n["y"]), xytext=(9 * math.cos(t), 9 * math.sin(t)), textcoords="offset points",
                        fontsize=6.5, ha="center", va="center", zorder=3)
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left", fontsize=7.5, frameon=False, bbox_to_anchor=(0, 1))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return _png(fig)


def lines_png(series: dict[str, tuple[list[int], list[float]]], title: str, ylabel: str) -> bytes:
    """One line per series: name -> (years, values)."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for name, (xs, ys) in series.items():
        ax.step(xs, ys, where="post", label=name)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _png(fig)


def bars_png(chart: dict, max_bars: int = 6) -> bytes:
    """A finding's chart (``title``, ``unit``, ``bars`` of ``{label, value, extra?}``) as compact horizontal bars."""
    bars = (chart.get("bars") or [])[:max_bars]
    n = max(1, len(bars))
    # Drawn at about the width the brief prints it (40 % of an A4 text column, ~2.9 in), so that 7 pt
    # here stays about 6.5 pt on paper; labels longer than 30 characters are cut.
    fig, ax = plt.subplots(figsize=(3.1, 0.27 * n + 0.8))
    labels = [b["label"] if len(b["label"]) <= 30 else b["label"][:29] + "…" for b in bars]
    values = [float(b["value"] or 0) for b in bars]
    extras = [float(b.get("extra") or 0) for b in bars]
    ys = list(range(n))[: len(bars)]
    ax.barh(ys, values, color=COLOURS["member"], height=0.6, label=chart.get("unit", ""))
    if any(extras):
        ax.barh(ys, extras, left=values, color=COLOURS["partner"], height=0.6, label=chart.get("extra_label", ""))
    top = max((v + e for v, e in zip(values, extras)), default=1.0) or 1.0
    for y, v, e in zip(ys, values, extras):
        text = (f"{v:g}" if v != int(v) else f"{int(v)}") + (f" + {int(e)}" if e else "")
        ax.text(v + e + top * 0.01, y, text, va="center", fontsize=7)
    ax.set_yticks(ys, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.18)
    ax.tick_params(axis="x", labelsize=6.5)
    ax.set_xlabel(chart.get("unit", ""), fontsize=7)
    title = chart.get("title", "")
    if any(extras) and chart.get("extra_label"):
        title += f"\n(blue: {chart.get('unit', '')}; orange: {chart['extra_label']})"
    ax.set_title(title, fontsize=7.5, loc="left", wrap=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)
