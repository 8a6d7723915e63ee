"""Measured criteria for the ``stability`` and ``capability`` aims: what a partner is or brings, not registry counts.

The older criteria (``region``, ``capability``, ``frameworks``, ``years``)
count rows of the registry: how many regions a partner is tagged with, how many
thematic arrangements or frameworks it joined, how long ago. They say how
*involved* a partner is in NATO's formats, not how much its stability matters
or what it brings, so these two aims do not use them. Every criterion below is
a measurement with a source, a unit and the data year actually used
(``data_years`` in the output):

Stability (``stability``: partners whose stability matters most to the allies)
  - ``land_border`` (0/1): shares a land or river border with an ally at
    ``--at`` (COW Direct Contiguity v3.2, ``conttype`` 1, via peacesciencer
    ``cow_contdir``; the data end in 2016, so a later date uses the borders of
    2016, and allies are those of ``--at``).
  - ``ally_distance`` (km, cost): the smallest minimum distance between the
    partner's territory and any ally's (CShapes 2.0 via peacesciencer
    ``cow_mindist``, latest year up to ``--at``, to 2019).
  - ``conflict_exposure`` (0/1): foreign forces on the partner's territory
    without its consent, as a NATO summit text states it (indicator file
    ``conflict_exposure``).
  - ``aspiration`` (0/1): a declared aim of membership: an ``aspirant`` or
    ``applicant`` role in NATO or the Membership Action Plan at ``--at`` in the
    registry, or a summit text recognising the aspiration (indicator file
    ``membership_aspiration``).

Capability (``capability``: partners that fill capability gaps)
  - ``milex`` (thousands of current US dollars) and ``milper`` (thousands of
    personnel): COW National Material Capabilities v7.0 via peacesciencer
    ``cow_nmc``, latest year up to ``--at`` with a value.
  - ``ops_personnel`` (personnel): forces contributed to NATO-led operations
    (indicator file ``ops_personnel``): for each operation, the largest figure
    reported for the partner up to ``--at`` (its largest deployment there),
    summed over the operations: a record of the forces it has shown it can
    deploy under NATO command, not only what is deployed on the day.
  - ``interoperability`` (0-1): the share of NATO's two partner
    interoperability programmes the partner takes part in at ``--at``: the
    PfP Planning and Review Process (``parp``) and the Operational
    Capabilities Concept Evaluation and Feedback Programme (``occ-ef``). A
    participation in a named programme is a fact about the partner's forces
    (their planning targets are reviewed, or units evaluated, against NATO
    standards), not a count of formats. Only participations certain at
    ``--at`` count: one known only as "by X" with X after ``--at`` is
    possible, not established, and is named in a note instead.

    Why two programmes and not three: the Interoperability Platform launched
    under the Partnership Interoperability Initiative at the Wales Summit
    (2014) is a consultation format (partners sit in meetings of NATO
    committees in "IP format"), not a process that sets or evaluates the
    partner's forces, and NATO admits to it the partners that contributed to
    its operations, which ``ops_personnel`` already measures; no NATO text
    retrieved lists its 24 (later 21) members either. The Enhanced
    Opportunities Partners status (``eop``) is likewise a recognition of past
    contributions, not a programme. Counting either would count formats and
    count operations twice, so neither is in the share.

No technology indicator is used: no measured, sourced series of defence
technology per partner is in the dataset or the research files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidData, SecnetError
from ..model.dates import Window

#: The arrangements whose participation marks an interoperability programme.
INTEROPERABILITY = ("parp", "occ-ef")
#: The arrangements whose aspirant/applicant roles mark a declared membership aim.
ASPIRATION_ARRANGEMENTS = ("nato", "map")

#: name -> (direction, unit, source, description); the Criterion objects are made in criteria.py
MEASURED: dict[str, tuple[str, str, str, str]] = {
    "land_border": ("benefit", "0/1", "COW Direct Contiguity v3.2 via peacesciencer cow_contdir (to 2016)",
                    "1 if the partner shares a land or river border (conttype 1) with an ally at --at"),
    "ally_distance": ("cost", "km", "CShapes 2.0 minimum distance via peacesciencer cow_mindist (to 2019)",
                      "smallest distance between the partner's and any ally's territory (0 = shared border)"),
    "conflict_exposure": ("benefit", "0/1", "indicator conflict_exposure (NATO summit texts)",
                          "1 if a NATO summit text calls for the withdrawal of foreign forces stationed on the "
                          "partner's territory without its consent (latest value up to --at)"),
    "aspiration": ("benefit", "0/1", "registry roles aspirant/applicant in nato, map; indicator membership_aspiration",
                   "1 if the partner has a declared aim of membership: MAP, a formal application, or a summit text "
                   "recognising its aspiration (up to --at)"),
    "milex": ("benefit", "thousand USD", "COW National Material Capabilities v7.0 via peacesciencer cow_nmc (to 2022)",
              "military expenditure, latest year up to --at with a value"),
    "milper": ("benefit", "thousand personnel", "COW National Material Capabilities v7.0 via peacesciencer cow_nmc (to 2022)",
               "military personnel, latest year up to --at with a value"),
    "ops_personnel": ("benefit", "personnel", "indicator ops_personnel (NATO troop-contribution figures)",
                      "forces contributed to NATO-led operations: per operation the largest figure reported up to --at, "
                      "summed over operations"),
    "interoperability": ("benefit", "share (0-1)", "registry participations in parp, occ-ef certain at --at",
                         "share of NATO's partner interoperability programmes (PARP, OCC Evaluation and Feedback) "
                         "the partner surely takes part in at --at"),
}
STABILITY = ("land_border", "ally_distance", "conflict_exposure", "aspiration")
CAPABILITY = ("milex", "milper", "ops_personnel", "interoperability")


def indicators(indicators_dir: str | Path | None) -> dict:
    """The dataset's indicator files (the shipped dataset's by default; ``indicators_dir`` is a dataset directory)."""
    from ..ingest.indicators import load_indicators

    return load_indicators(indicators_dir)


def columns(r, ids: list[str], w: Window, names: tuple[str, ...], *, research, cow_codes, data_dir, indicators_dir,
            notes: list[str], unavailable: dict[str, str], years: dict[str, str]) -> list[tuple[str, np.ndarray]]:
    """``(criterion name, values per id)`` for each of ``names``; what cannot be computed goes to ``unavailable``.

    ``research(name, data_dir)`` reads a research table and ``cow_codes(r, ids, w)`` gives COW codes: both are
    passed in from :mod:`secnet.design.prioritise`, which owns them.
    """
    out: list[tuple[str, np.ndarray]] = []
    codes = cow_codes(r, ids, w)
    allies = sorted({m["actor_id"] for m in r.members("nato", at=w)}) if "nato" in r.arrangements else []
    ally_codes = {c for c in cow_codes(r, allies, w) if c is not None}
    year = w.first.year
    try:
        ind = indicators(indicators_dir) if {"conflict_exposure", "aspiration", "ops_personnel"} & set(names) else {}
    except InvalidData as e:
        ind = {}
        notes.append(f"indicator files unreadable, indicator criteria left out: {e}")

    for name in names:
        try:
            col = _column(name, r, ids, w, year, codes, ally_codes, research, data_dir, ind, years, notes)
        except SecnetError as e:
            unavailable[name] = f"data unavailable ({e})"
            continue
        if col is None:
            unavailable[name] = unavailable.get(name, "no data for this criterion")
            continue
        out.append((name, col))
    return out


def _latest(df: pd.DataFrame, code_col: str, value_col: str, year: int) -> tuple[dict, dict]:
    d = df.loc[(df.year <= year) & df[value_col].notna(), [code_col, "year", value_col]].sort_values("year")
    last = d.groupby(code_col).tail(1)
    return dict(zip(last[code_col], last[value_col].astype(float))), dict(zip(last[code_col], last.year))


def _years_used(yr: dict, codes, name: str, years: dict) -> None:
    used = sorted({int(yr[c]) for c in codes if c in yr})
    if used:
        years[name] = str(used[0]) if used[0] == used[-1] else f"{used[0]}-{used[-1]}"


def _column(name, r, ids, w, year, codes, ally_codes, research, data_dir, ind, years, notes) -> np.ndarray | None:
    if name in ("milex", "milper"):
        nmc = research("cow_nmc", data_dir)
        val, yr = _latest(nmc, "ccode", name, year)
        _years_used(yr, codes, name, years)
        return np.array([val.get(c, np.nan) if c is not None else np.nan for c in codes], dtype=float)
    if name == "ally_distance":
        d = research("cow_mindist", data_dir)
        d = d[(d.year <= year) & (d.ccode1.isin(ally_codes) | d.ccode2.isin(ally_codes))]
        other = np.where(d.ccode1.isin(ally_codes).to_numpy(), d.ccode2.to_numpy(), d.ccode1.to_numpy())
        d = pd.DataFrame({"ccode": other, "year": d.year.to_numpy(), "mindist": d.mindist.to_numpy()})
        last_year = d.groupby("ccode").year.max()
        d = d[d.year.to_numpy() == last_year.reindex(d.ccode).to_numpy()]
        val = d.groupby("ccode").mindist.min().astype(float).to_dict()
        _years_used(last_year.to_dict(), codes, name, years)
        return np.array([val.get(c, np.nan) if c is not None else np.nan for c in codes], dtype=float)
    if name == "land_border":
        c = research("cow_contdir", data_dir)
        c = c[c.conttype == 1]
        last = pd.Timestamp(c.enddate.max())
        day = min(pd.Timestamp(w.first), last)
        live = c[(pd.to_datetime(c.stdate) <= day) & (pd.to_datetime(c.enddate) >= day)]
        if pd.Timestamp(w.first) > last:
            notes.append(f"land_border: COW Direct Contiguity ends {last.date()}; the borders of that date are used")
        years[name] = str(day.year)
        near = set(live.ccode1[live.ccode2.isin(ally_codes)]) | set(live.ccode2[live.ccode1.isin(ally_codes)])
        return np.array([float(x in near) if x is not None else np.nan for x in codes], dtype=float)
    if name == "conflict_exposure":
        if "conflict_exposure" not in ind:
            return None
        return _indicator_latest(ind["conflict_exposure"], ids, w, name, years, missing=0.0)
    if name == "aspiration":
        flag = {i: 0.0 for i in ids}
        for aid in ASPIRATION_ARRANGEMENTS:
            if aid in r.arrangements:
                for p in r.participants(aid, at=w):
                    if p["category"] == "aspirant" and p["actor_id"] in flag:
                        flag[p["actor_id"]] = 1.0
        if "membership_aspiration" in ind:
            col = _indicator_latest(ind["membership_aspiration"], ids, w, name, years, missing=0.0)
            for i, v in zip(ids, col):
                flag[i] = max(flag[i], v)
        return np.array([flag[i] for i in ids], dtype=float)
    if name == "ops_personnel":
        if "ops_personnel" not in ind:
            return None
        vals = ind["ops_personnel"].at(w.first)
        best: dict[tuple[str, str], float] = {}
        dates: list[int] = []
        for v in vals:
            key = (v.actor, v.context or "")
            if v.value > best.get(key, -1.0):
                best[key] = v.value
            dates.append(v.date.first.year)
        if dates:
            years[name] = f"{min(dates)}-{max(dates)}" if min(dates) != max(dates) else str(dates[0])
        total: dict[str, float] = {}
        for (actor, _), v in best.items():
            total[actor] = total.get(actor, 0.0) + v
        # No figure is taken as no contribution (0), not as unknown: the file lists contributors.
        return np.array([total.get(i, 0.0) for i in ids], dtype=float)
    if name == "interoperability":
        present = [a for a in INTEROPERABILITY if a in r.arrangements]
        if not present:
            return None
        hits = {i: 0 for i in ids}
        possible: dict[str, list[str]] = {}
        for aid in present:
            rows = [x for x in r.participants(aid, at=w) if x["category"] in ("member", "partner") and x["actor_id"] in hits]
            certain = {x["actor_id"] for x in rows if x["certain"]}
            for p in certain:
                hits[p] += 1
            # A participation known only as "by X" (or "left by X") is possible, not certain, at --at: not counted.
            for p in sorted({x["actor_id"] for x in rows} - certain):
                possible.setdefault(p, []).append(aid)
        if possible:
            notes.append("interoperability: counts only participations certain at --at; possible but not certain "
                         "(a 'by X' date after --at, or a 'left by X' end): "
                         + ", ".join(f"{a} ({'/'.join(p)})" for a, p in sorted(possible.items())))
        years[name] = w.label
        return np.array([hits[i] / len(INTEROPERABILITY) for i in ids], dtype=float)
    raise SecnetError(f"unknown measured criterion '{name}'")


def _indicator_latest(indicator, ids, w, name, years, *, missing: float) -> np.ndarray:
    """Each actor's latest value dated on or before ``w``; ``missing`` where it has none."""
    latest: dict[str, tuple] = {}
    for v in indicator.at(w.first):
        if v.actor not in latest or v.date.first >= latest[v.actor][0]:
            latest[v.actor] = (v.date.first, v.value)
    used = sorted({d.year for d, _ in latest.values()})
    if used:
        years[name] = str(used[0]) if used[0] == used[-1] else f"{used[0]}-{used[-1]}"
    return np.array([latest[i][1] if i in latest else missing for i in ids], dtype=float)
