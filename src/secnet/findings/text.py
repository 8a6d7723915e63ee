"""Plain words for numbers and lists: how the findings say what they found.

The findings are read by staff officers, not by programs, so every sentence is
built here the same way: lists end in "and", counts agree with their nouns,
shares are whole per cent, and a long list names its first few and counts the rest.
"""

from __future__ import annotations


def join(items: list[str], limit: int | None = None) -> str:
    """``A``, ``A and B``, ``A, B and C``; past ``limit`` items: ``A, B and 5 others``."""
    items = [str(x) for x in items]
    if limit is not None and len(items) > limit:
        rest = len(items) - limit
        items = [*items[:limit], f"{rest} other{'s' if rest != 1 else ''}"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 partner``, ``3 partners`` (``plural`` for irregular nouns)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def percent(share: float) -> str:
    """A share in [0, 1] as whole per cent (``87 %``); below 1 % but above 0 as ``<1 %``."""
    if 0 < share < 0.005:
        return "<1 %"
    return f"{round(100 * share)} %"


def signed(x: float, digits: int = 3) -> str:
    """``+0.004``, ``-0.120``, ``0.000``: a change with its sign."""
    text = f"{x:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


#: Country names that take the definite article in running text ("the United States").
_THE = ("United ", "Netherlands", "Czech Republic", "Philippines", "Bahamas", "Republic of ", "Dominican Republic",
        "Central African Republic", "Comoros", "Maldives", "Gambia", "Holy See", "Kyrgyz Republic", "Slovak Republic")


def the(name: str) -> str:
    """``the United States``, ``the Netherlands``; other names as they are."""
    return f"the {name}" if name.startswith(_THE) else name


def short_name(arrangement, limit: int = 45) -> str:
    """An arrangement as running text names it: its name, or its first alias when the name is over ``limit`` characters.

    Charts pass a smaller ``limit`` (:data:`CHART_LABEL`): a bar's label has less room than a sentence.
    """
    if len(arrangement.name) <= limit:
        return arrangement.name
    # The first alias shorter than the name (an alias may be the original-language title, longer still).
    return next((a for a in arrangement.aliases if len(a) < len(arrangement.name)), arrangement.name)


#: The longest label a finding's bar chart shows in full (longer names use their alias, then are cut).
CHART_LABEL = 30


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def figure(name: str, value, unit: str, note: str = "", *, label: str = "") -> dict:
    """One number behind an answer: its name (an identifier), value and unit, the ``label`` a reader sees
    (the name in words when not given) and, where that is not obvious, what it means (``note``)."""
    out = {"name": name, "label": label or name.replace("_", " "), "value": value, "unit": unit}
    if note:
        out["note"] = note
    return out


def finding(question: str, title: str, answer: str, *, figures: list[dict], facts: list[str], method: str,
            caveats: list[str], chart: dict, links: list[dict], cli: str) -> dict:
    """One finding as plain data (the fields :mod:`secnet.findings` documents); facts once each, in order."""
    return {"question": question, "title": title, "answer": answer, "figures": figures,
            "facts": list(dict.fromkeys(facts)), "method": method, "caveats": list(dict.fromkeys(caveats)),
            "chart": chart, "links": links, "cli": cli}
