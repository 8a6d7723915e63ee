"""The five questions answered at a date: the product's first word in every face.

``findings(r, at, since)`` returns one finding per question, in the brief's
order (DOMAIN.md): stocktaking, prioritisation, groupings, cohesion, back door.
Each finding is plain data:

- ``question``: ``stocktaking``, ``prioritisation``, ``groupings``, ``cohesion`` or ``back_door``;
- ``answer``: one to three plain sentences carrying the numbers, generated from the data at ``at``;
- ``figures``: the numbers behind the answer, each ``{name, label, value, unit}`` (``name`` an identifier, ``label`` the
  words a reader sees; and ``note`` where the unit does not say what the number means);
- ``facts``: the ids behind it (actors, arrangements, ``ARR:ACTOR`` participations); each resolves with
  ``secnet show`` or ``secnet sources``;
- ``method``: which analysis, with which parameters; ``caveats``: what the data do not cover;
- ``chart``: one bar chart (``title``, ``unit``, ``bars`` of ``{label, value}``) for the pages and the brief;
- ``links`` (dashboard views) and ``cli`` (the commands that show the detail).
"""

from __future__ import annotations

from ..errors import InvalidInput
from ..registry import Registry, window

QUESTIONS = ("stocktaking", "prioritisation", "groupings", "cohesion", "back_door")


def _since(at_window, since):
    if since is None:
        first = at_window.first
        try:
            earlier = first.replace(year=first.year - 1)
        except ValueError:  # 29 February
            earlier = first.replace(year=first.year - 1, day=28)
        return window(earlier)
    try:
        w = window(since)
    except InvalidInput as e:
        raise InvalidInput(str(e).replace("--at:", "--since:", 1)) from None
    if w.first >= at_window.first:
        raise InvalidInput(f"--since {w.label} is not before --at {at_window.label}: give an earlier --since")
    return w


def findings(r: Registry, at: object = None, since: object = None, questions: tuple[str, ...] = QUESTIONS) -> list[dict]:
    """One finding per question at ``at``; changes are counted since ``since`` (default: a year before ``at``)."""
    from .alliance import back_door, cohesion
    from .design import groupings_finding, prioritisation
    from .stock import stocktaking
    from ..analytics.coverage import require_nato

    w = require_nato(r, at)
    s = _since(w, since)
    unknown = [q for q in questions if q not in QUESTIONS]
    if unknown:
        raise InvalidInput(f"unknown question '{unknown[0]}' (choose from {', '.join(QUESTIONS)})")
    build = {"stocktaking": stocktaking, "prioritisation": prioritisation, "groupings": groupings_finding,
             "cohesion": cohesion, "back_door": back_door}
    out = []
    for q in questions:
        f = build[q](r, w, s)
        f["at"], f["since"] = w.label, s.label
        out.append(f)
    return out


def to_markdown(items: list[dict]) -> str:
    """The findings as Markdown: a heading and the answer per question, then figures, method and caveats."""
    lines = [f"# Findings at {items[0]['at']}" if items else "# Findings", ""]
    for f in items:
        lines += [f"## {f['title']}", "", f["answer"], ""]
        if f["figures"]:
            lines += ["| figure | value | unit |", "| --- | --- | --- |"]
            lines += [f"| {x['label']} | {x['value']} | {x['unit']}{' (' + x['note'] + ')' if x.get('note') else ''} |"
                      for x in f["figures"]]
            lines.append("")
        lines += [f"*Method:* {f['method']}.", ""]
        lines += [f"*Caveat:* {c}" for c in f["caveats"]]
        lines += ["", f"*Facts:* {', '.join(f['facts'][:30])}" + (" …" if len(f["facts"]) > 30 else ""),
                  f"*Detail:* `{f['cli']}`", ""]
    return "\n".join(lines)


def to_text(items: list[dict], width: int = 100) -> str:
    """The findings for a terminal: per question a heading, the answer, then method, facts and where to look further."""
    import textwrap

    out = []
    for f in items:
        out.append(f"{f['question'].upper().replace('_', ' ')}: {f['title']} (at {f['at']})")
        out += textwrap.wrap(f["answer"], width, initial_indent="  ", subsequent_indent="  ")
        if f["figures"]:
            shown = "; ".join(f"{x['label']}: {x['value']} {x['unit']}" for x in f["figures"][:6])
            more = f" and {len(f['figures']) - 6} more (--format json)" if len(f["figures"]) > 6 else ""
            out += textwrap.wrap(f"figures: {shown}{more}", width, initial_indent="  ", subsequent_indent="    ")
        out += textwrap.wrap("method: " + f["method"], width, initial_indent="  ", subsequent_indent="    ")
        for c in f["caveats"]:
            out += textwrap.wrap("caveat: " + c, width, initial_indent="  ", subsequent_indent="    ")
        facts = ", ".join(f["facts"][:12]) + (f" and {len(f['facts']) - 12} more" if len(f["facts"]) > 12 else "")
        out += textwrap.wrap(f"facts: {facts} (secnet show ID; secnet sources ARR:ACTOR)", width,
                             initial_indent="  ", subsequent_indent="    ")
        out += [f"  detail: {f['cli']}", ""]
    return "\n".join(out)


def flat_rows(items: list[dict]) -> list[dict]:
    """One row per finding for CSV: the lists joined with ``;``, figures as ``name=value unit``."""
    return [{"question": f["question"], "at": f["at"], "since": f["since"], "answer": f["answer"],
             "figures": "; ".join(f"{x['name']}={x['value']} {x['unit']}" for x in f["figures"]),
             "facts": ";".join(f["facts"]), "method": f["method"], "caveats": " | ".join(f["caveats"])}
            for f in items]


__all__ = ["QUESTIONS", "findings", "to_markdown", "to_text", "flat_rows"]
