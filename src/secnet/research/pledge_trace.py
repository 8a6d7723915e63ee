"""Every ATOP defence pledge from a NATO ally to a non-member, traced to the registry.

The **population** is every directed dyad-year of ATOP v5.1 (Leeds et al.
2002; the peacesciencer directed dyad-year table ``atop_alliance``) with
``atop_defense = 1`` in which ``ccode1`` (the state that pledges) was a NATO
member at some time in the year according to the registry and ``ccode2`` (the
state pledged to) was not a member at any time in that year. A COW code
stands for the registry state that held it in the year (both 260 and 255
are Germany in 1990), or else for the state that held it at another time (260
in 1954, before the registry's COW spell of the Federal Republic starts).

Each dyad-year gets one **status**:

``explained``
    the registry holds a *binding* defence obligation (``collective_defence``
    or ``mutual_assistance``) from the ally to the partner *certainly* in effect
    at some time in the year, dated as ATOP dates it: from the signature of the
    instrument where the registry knows it (:mod:`secnet.research.signature`),
    else from entry into force. The row names the arrangement(s) and article(s)
    and its ``basis``: ``in force`` (the pledge held in law that year) or
    ``signature`` (the instrument was signed but not yet in force for the pair,
    e.g. a NATO accession protocol before the deposit of the instrument of accession).
``disputed``
    not explained, but ``data/checks/atop-disputes.yaml`` records that the
    registry deliberately differs for that dyad and year, with a reason and
    sources (:mod:`secnet.ingest.atop_disputes`).
``missing``
    neither: a pledge ATOP knows and the registry does not hold. A political
    (non-binding) defence pledge the registry holds is named in ``registry``
    with ``(political)`` but does not explain the row (ATOP codes only written,
    formal agreements); nor does a binding pledge that holds only *possibly* in
    the year, because a "not later than" date leaves a participation open
    (``(possible)``, see docs/data-format.md).

Rows are one per directed dyad and contiguous span of years with the same
status, arrangements and dispute. States are matched by every COW code they
held in the year (:func:`secnet.research.dyad_facts._cow_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..analytics.coverage import pledge_rows
from ..errors import InvalidInput
from ..ingest.atop_disputes import AtopDispute, load_disputes
from ..model import vocab
from ..registry import Registry, window
from .dyad_facts import _cow_codes
from .joins import _table
from .signature import signature_registry
from .years import DataDir, parse_years

ATOP_YEARS = (1949, 2018)
STATUSES = ("explained", "disputed", "missing")
ROW_COLUMNS = ["ally", "partner", "ccode1", "ccode2", "first", "last", "dyad_years", "status",
               "arrangements", "basis", "registry", "reason", "sources"]


@dataclass
class PledgeTrace:
    """The traced population: one row per directed dyad and span (see :data:`ROW_COLUMNS`)."""

    years: tuple[int, int]
    rows: list[dict]
    #: The same population as dyad-years: ``ccode1, ccode2, year, ally, partner, status, arrangements``.
    dyad_years: pd.DataFrame = field(repr=False)

    def counts(self) -> dict[str, int]:
        got = self.dyad_years["status"].value_counts()
        return {s: int(got.get(s, 0)) for s in STATUSES}

    def explained_by_signature(self) -> int:
        """Explained dyad-years whose pledge was signed but not yet in force (ATOP's convention only)."""
        d = self.dyad_years
        return int(((d["status"] == "explained") & (d["basis"] == "signature")).sum())

    def summary(self) -> dict:
        n = len(self.dyad_years)
        c = self.counts()
        out: dict = {"years": f"{self.years[0]}-{self.years[1]}", "dyad_years": n, "dyads": int(
            self.dyad_years[["ccode1", "ccode2"]].drop_duplicates().shape[0]) if n else 0, "rows": len(self.rows)}
        for s in STATUSES:
            out[s] = c[s]
            out[f"{s}_share"] = round(c[s] / n, 6) if n else None
        out["explained_by_signature"] = self.explained_by_signature()
        out["explained_or_disputed_share"] = round((c["explained"] + c["disputed"]) / n, 6) if n else None
        return out

    def summary_line(self) -> str:
        s = self.summary()
        if not s["dyad_years"]:
            return f"{s['years']}: no ATOP defence pledge from an ally to a non-member"
        parts = [f"{k} {s[k]} ({s[k + '_share']:.1%})" for k in STATUSES]
        if s["explained_by_signature"]:
            parts[0] += f" [{s['explained_by_signature']} of them from a signature not yet in force]"
        return (f"{s['years']}: {s['dyad_years']} dyad-years in {s['dyads']} directed dyads; " + ", ".join(parts)
                + f"; explained or disputed {s['explained_or_disputed_share']:.1%}")


def _span(years) -> tuple[int, int]:
    if years is None:
        return ATOP_YEARS
    ys = parse_years(years)
    first, last = int(ys.min()), int(ys.max())
    if len(ys) != last - first + 1:
        raise InvalidInput(f"--years: give one span of years (e.g. 1949-2018), not {years}")
    return first, last


def _iso_by_code(r: Registry, year: int) -> dict[int, str]:
    """COW code -> registry state in ``year``; a code no state held that year falls back to the state that ever held it."""
    out = {s.code: a.id for a in r.actors.values() for s in a.cow}
    out.update({c: iso for iso, codes in _cow_codes(r, year).items() for c in codes})
    return out


def pledge_trace(r: Registry, years=None, *, atop: pd.DataFrame | None = None, data_dir: DataDir = None,
                 disputes: list[AtopDispute] | None = None) -> PledgeTrace:
    """Trace every ATOP defence pledge from an ally to a non-member in ``years`` (default 1949-2018).

    ``atop`` replaces the shipped ATOP table (``ccode1, ccode2, year,
    atop_defense``); ``disputes`` replaces the shipped dispute file.
    """
    first, last = _span(years)
    table = _table(atop, "atop_alliance", data_dir)
    for c in ("ccode1", "ccode2", "year", "atop_defense"):
        if c not in table.columns:
            raise InvalidInput(f"ATOP dyad-year table: column '{c}' is missing")
    if disputes is None:
        disputes = load_disputes(r.actors, r.sources)
    atop_d = table.loc[(table["atop_defense"] == 1) & table["year"].between(first, last), ["ccode1", "ccode2", "year"]]
    signed = signature_registry(r)
    records = []
    for year, group in atop_d.groupby("year", sort=True):
        year = int(year)
        iso = _iso_by_code(r, year)
        w = window(str(year))
        ally_ids = {m["actor_id"] for m in r.members("nato", at=w)}
        c1 = group["ccode1"].to_numpy()
        c2 = group["ccode2"].to_numpy()
        keep = [iso.get(int(a)) in ally_ids and iso.get(int(b)) not in ally_ids for a, b in zip(c1, c2)]
        group = group[keep].sort_values(["ccode1", "ccode2"])
        if group.empty:
            continue
        in_force = _registry_pledges(r, w, ally_ids, skip=frozenset({"nato"}))  # NATO pledges no non-member in law
        by_signature = _registry_pledges(signed, w, ally_ids)
        for a_code, b_code in zip(group["ccode1"].tolist(), group["ccode2"].tolist()):
            a, b = iso[int(a_code)], iso.get(int(b_code), "")
            legal, atop_way = in_force.get((a, b), {}), by_signature.get((a, b), {})
            binding = sorted(k for k, v in legal.items() if v == "binding")
            basis = "in force" if binding else ""
            if not binding:
                binding = sorted(k for k, v in atop_way.items() if v == "binding")
                basis = "signature" if binding else ""
            others = sorted(f"{k} ({v})" for k, v in legal.items() if v != "binding" and k not in binding)
            dispute = None
            if not binding:
                dispute = next((d for d in disputes if d.covers(a, b, year)), None)
            status = "explained" if binding else ("disputed" if dispute else "missing")
            records.append({"ccode1": int(a_code), "ccode2": int(b_code), "year": year, "ally": a, "partner": b,
                            "status": status, "arrangements": "; ".join(binding), "basis": basis,
                            "registry": "; ".join(binding + others),
                            "dispute": dispute})
    rows = _spans(records)
    frame = pd.DataFrame(records, columns=["ccode1", "ccode2", "year", "ally", "partner", "status", "arrangements", "basis"])
    return PledgeTrace((first, last), rows, frame)


def _registry_pledges(r: Registry, w, allies: set[str], skip: frozenset[str] = frozenset()) -> dict[tuple[str, str], dict[str, str]]:
    """``(ally, non-ally) -> {"arrangement article": kind}`` for the defence pledges of ``r`` in window ``w``.

    ``kind`` is ``binding`` (a binding pledge both of whose participations are
    certain in ``w``), ``possible`` (binding, but a participation is only
    possibly in effect) or ``political``; the strongest kind per label wins.
    """
    found: dict[tuple[str, str], dict[str, str]] = {}
    sure: dict[str, set[str]] = {}
    rank = {"binding": 2, "possible": 1, "political": 0}
    for giver, receiver, arr, _typ, binding, article, *_ in pledge_rows(
            r, w, types=set(vocab.DEFENCE_OBLIGATIONS), givers=allies, not_to=allies, skip=skip):
        if arr not in sure:
            sure[arr] = {p["actor_id"] for p in r.participants(arr, at=w) if p["certain"]}
        label = f"{arr} {article}".strip() if article else arr
        kind = ("binding" if giver in sure[arr] and receiver in sure[arr] else "possible") if binding else "political"
        slot = found.setdefault((giver, receiver), {})
        if label not in slot or rank[kind] > rank[slot[label]]:
            slot[label] = kind
    return found


def _spans(records: list[dict]) -> list[dict]:
    """Join consecutive years of a directed dyad with the same status, arrangements and dispute."""
    rows: list[dict] = []
    key_of = None
    for rec in sorted(records, key=lambda x: (x["ccode1"], x["ccode2"], x["year"])):
        key = (rec["ccode1"], rec["ccode2"], rec["status"], rec["registry"], rec["basis"], id(rec["dispute"]))
        if rows and key == key_of and rec["year"] == rows[-1]["last"] + 1:
            rows[-1]["last"] = rec["year"]
            rows[-1]["dyad_years"] += 1
            continue
        key_of = key
        d = rec["dispute"]
        rows.append({"ally": rec["ally"], "partner": rec["partner"], "ccode1": rec["ccode1"], "ccode2": rec["ccode2"],
                     "first": rec["year"], "last": rec["year"], "dyad_years": 1, "status": rec["status"],
                     "arrangements": rec["arrangements"], "basis": rec["basis"], "registry": rec["registry"],
                     "reason": d.reason if d else "", "sources": list(d.sources) if d else []})
    return rows


def emit_trace(r: Registry, years, data_dir: DataDir, fmt, emit) -> None:
    """Print the trace for ``secnet check atop --pledges``: JSON (summary and rows), CSV (rows) or tables."""
    import json

    import typer

    trace = pledge_trace(r, years, data_dir=data_dir)
    summary = {**trace.summary(), "summary": trace.summary_line()}
    if fmt.value == "json":
        typer.echo(json.dumps({"summary": summary, "rows": trace.rows}, indent=2, ensure_ascii=False))
    elif fmt.value == "csv":
        emit(trace.rows, fmt, columns=ROW_COLUMNS)
    else:
        emit(trace.rows, fmt, columns=[c for c in ROW_COLUMNS if c not in ("ccode1", "ccode2", "registry")],
             title="ATOP defence pledges from an ally to a non-member")
        typer.echo(trace.summary_line())
