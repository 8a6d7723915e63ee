"""The registry as dyad-years and state-years, keyed by COW codes, for research panels.

:func:`secnet_dyad_years` gives, for every year from 1949 (NATO's founding) to
now, one row per *directed* pair of states with any tie in the registry:

=============================  =================================================================
column                         meaning (the tie holds at any time in the year)
=============================  =================================================================
``secnet_defence``             ccode1 has a binding collective-defence or mutual-assistance
                               pledge to ccode2 (a treaty), **dated as ATOP dates it**: from the
                               signature of the instrument that binds the pair where the
                               registry knows it, else from entry into force
                               (:mod:`secnet.research.signature`). Compare it with ATOP's
                               ``defense`` and extend ATOP with it.
``secnet_defence_in_force``    ... the same pledge dated by law: only once the treaty is in
                               force for both (entry into force, deposit of the instrument of
                               ratification or accession). Use it for the legal state of the
                               pledge in a year (what the audit and ``--at`` queries report).
``secnet_defence_political``   ... a defence pledge that is political only (a declaration)
``secnet_consult``             ccode1 has a binding pledge to consult with ccode2
``secnet_nato_both``           both are NATO members
``secnet_shared_frameworks``   NATO partnership frameworks and bodies both take part in
                               (frameworks include their parent's members)
``secnet_shared_formats``      flexible and minilateral formats both take part in
``secnet_uncertain``           1 where the counts above rest on a participation only *possibly*
                               in effect in the year: a start known only as "not later than"
                               (``[..2014]``: a member by 2014, joining date unknown) or an
                               imprecise date; counting certain participations only would give
                               less. 0 where every count is certain.
=============================  =================================================================

Every column but ``secnet_defence`` follows the legal dates. States are mapped to every COW code they held during the year (Germany in 1990
appears as 260 and as 255). Feed the table to
:func:`secnet.research.panels.add_secnet`; dyad-years without a row are zero.

:func:`nato_member_years` is the state-year table of NATO membership (any time
in the year) that :func:`secnet.research.panels.nato_atop_agreement` compares
with ATOP.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..model import vocab
from ..model.dates import bounds
from ..registry import Registry, window
from ..analytics.coverage import pledge_rows
from .signature import signature_registry

FIRST_YEAR = 1949
FRAMEWORK_KINDS = frozenset({"partnership_framework", "consultative_body"})
FORMAT_RELATIONS = frozenset({"flexible", "minilateral"})
COLUMNS = ["secnet_defence", "secnet_defence_in_force", "secnet_defence_political", "secnet_consult", "secnet_nato_both",
           "secnet_shared_frameworks", "secnet_shared_formats"]
#: The flag column: the year's counts are not all certain (see the module docstring).
UNCERTAIN = "secnet_uncertain"


def _years(r: Registry, years: tuple[int, int] | None) -> range:
    first, last = years if years is not None else (FIRST_YEAR, dt.date.today().year)
    return range(max(first, FIRST_YEAR), min(last, dt.date.today().year) + 1)


def _cow_codes(r: Registry, year: int) -> dict[str, list[int]]:
    """Every COW code each state held at some time in ``year``."""
    lo, hi = dt.date(year, 1, 1).toordinal(), dt.date(year + 1, 1, 1).toordinal()
    out: dict[str, list[int]] = {}
    for a in r.actors.values():
        codes = []
        for spell in a.cow:
            s0, _, _, e1 = bounds(spell.start, spell.end)
            if s0 < hi and e1 > lo and spell.code not in codes:
                codes.append(spell.code)
        if codes:
            out[a.id] = codes
    return out


def nato_member_years(r: Registry, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """``ccode, year`` for every state that was a NATO member at some time in the year.

    A state that changed COW code during the year appears under its last code
    (Germany in 1990: 255), so it is never paired with itself.
    """
    rows = []
    for year in _years(r, years):
        codes = _cow_codes(r, year)
        for m in {m["actor_id"] for m in r.members("nato", at=str(year))}:
            if codes.get(m):
                rows.append((codes[m][-1], year))
    return pd.DataFrame(rows, columns=["ccode", "year"]).drop_duplicates().sort_values(["year", "ccode"]).reset_index(drop=True)


def secnet_dyad_years(r: Registry, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Directed dyad-years of pledges and co-memberships (see the module docstring)."""
    states = sorted(a.id for a in r.actors.values() if a.kind == "state")
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    signed = signature_registry(r)
    frames = []
    for year in _years(r, years):
        w = window(str(year))
        m = {c: np.zeros((n, n), dtype=np.int32) for c in COLUMNS}
        mc = {c: np.zeros((n, n), dtype=np.int32) for c in COLUMNS}  # the same from certain participations only
        for reg, rows in ((r, pledge_rows(r, w)), (signed, pledge_rows(signed, w, set(vocab.DEFENCE_OBLIGATIONS)))):
            sure: dict[str, set[str]] = {}
            for giver, receiver, arr_id, typ, binding, *_ in rows:
                i, j = index.get(giver), index.get(receiver)
                if i is None or j is None:
                    continue
                if reg is signed:
                    if not binding:
                        continue
                    column = "secnet_defence"
                elif typ in vocab.DEFENCE_OBLIGATIONS:
                    column = "secnet_defence_in_force" if binding else "secnet_defence_political"
                elif typ == "consultation" and binding:
                    column = "secnet_consult"
                else:
                    continue
                m[column][i, j] = 1
                if arr_id not in sure:
                    sure[arr_id] = {p["actor_id"] for p in reg.participants(arr_id, at=w) if p["certain"]}
                if giver in sure[arr_id] and receiver in sure[arr_id]:
                    mc[column][i, j] = 1
        for arr in r.as_of(w).arrangements:
            if arr.id == "nato":
                column = "secnet_nato_both"
            elif arr.kind in FRAMEWORK_KINDS:
                column = "secnet_shared_frameworks"
            elif arr.relation in FORMAT_RELATIONS:
                column = "secnet_shared_formats"
            else:
                continue
            wanted = {"member"} if column == "secnet_nato_both" else {"member", "partner", "aspirant", "observer"}
            people = [p for p in r.participants(arr.id, at=w) if p["actor_id"] in index and p["category"] in wanted]
            ids = [index[p["actor_id"]] for p in people]
            if len(ids) > 1:
                for counts, chosen in ((m, ids), (mc, [index[p["actor_id"]] for p in people if p["certain"]])):
                    v = np.zeros(n, dtype=np.int32)
                    v[chosen] = 1
                    if column == "secnet_nato_both":
                        counts[column] |= np.outer(v, v)
                    else:
                        counts[column] += np.outer(v, v)
        unsure = sum((m[c] != mc[c]).astype(np.int32) for c in COLUMNS) > 0
        any_tie = sum(m.values()) > 0
        np.fill_diagonal(any_tie, False)
        i, j = np.nonzero(any_tie)
        if not len(i):
            continue
        codes = _cow_codes(r, year)
        frame = pd.DataFrame({"a": np.asarray(states)[i], "b": np.asarray(states)[j],
                              **{c: m[c][i, j] for c in COLUMNS}, UNCERTAIN: unsure[i, j].astype(np.int32)})
        frame["ccode1"] = frame["a"].map(codes)
        frame["ccode2"] = frame["b"].map(codes)
        frame = frame.dropna(subset=["ccode1", "ccode2"]).explode("ccode1").explode("ccode2")
        frame["year"] = year
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["ccode1", "ccode2", "year", *COLUMNS, UNCERTAIN])
    out = pd.concat(frames, ignore_index=True)
    out = out[out.ccode1 != out.ccode2]
    out = out.astype({"ccode1": "int64", "ccode2": "int64"})
    # Two ISO states can share a COW code in one year (never in the shipped data); keep the strongest facts.
    out = out.groupby(["ccode1", "ccode2", "year"], as_index=False)[[*COLUMNS, UNCERTAIN]].max()
    return out.sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)
