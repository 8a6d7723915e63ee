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


def network_png(nodes: list[dict], edges: list[tuple[str, str, float]], title: str) -> bytes:
    """Nodes: dicts with id, x, y, group (member/partner/other); edges: (a, b, weight)."""
    fig, ax = plt.subplots(figsize=(9, 7))
    pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
    top = max((w for _, _, w in edges), default=1.0)
    for a, b, w in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.plot([x0, x1], [y0, y1], color="#c8c8c8", linewidth=0.3 + 1.7 * w / top, alpha=0.5, zorder=1)
    for group, colour in COLOURS.items():
        pts = [n for n in nodes if n["group"] == group]
        ax.scatter([n["x"] for n in pts], [n["y"] for n in pts], s=[30 + 6 * n.get("size", 1) for n in pts],
                   color=colour, label=group, zorder=2, edgecolors="white", linewidths=0.5)
        for n in pts:
            ax.annotate(n["id"], (n["x"], n["y"]), fontsize=6, ha="center", va="center", zorder=3)
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
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
