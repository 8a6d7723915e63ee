"""The criteria partners are ranked on, the aims that weigh them, and the table of values per partner.

**Alternatives**: NATO's partner states at ``at`` (every state in a partner-type
role in NATO or one of its frameworks), or any set of actors.

**Criteria** (each with its source and direction; see :data:`CRITERIA`):

=================  =======  =============================================================  ==========================
criterion          type     definition                                                     source
=================  =======  =============================================================  ==========================
region             benefit  how many of the aim's regions the actor is tagged with         registry: ``Actor.regions``
capability         benefit  thematic arrangements (Centres of Excellence, flexible and      registry at ``at``
                            minilateral formats, initiatives) the actor takes part in
                            whose issue areas include one of the aim's capabilities
frameworks         benefit  NATO partnership frameworks the actor is a partner in           registry at ``at``
eop                benefit  1 if an Enhanced Opportunities Partner, else 0                  registry at ``at``
years              benefit  years since the actor first became a partner in any NATO       registry
                            framework
democracy          benefit  V-Dem electoral democracy index ``v2x_polyarchy`` (0-1),        peacesciencer
                            latest year <= ``at`` with a value                              ``ccode_democracy`` (V-Dem
                                                                                            v10, to 2020)
cinc               benefit  Composite Index of National Capability, latest year <= ``at``   COW NMC v7.0 (to 2022)
threat_distance    cost     minimum distance in km between the actor's and the threat's     peacesciencer ``cow_mindist``
                            borders, latest year <= ``at`` (0 = shared border)              (CShapes 2.0, to 2019)
alignment          benefit  foreign-policy alignment: mean Signorino-Ritter S of the        ATOP v5.1 (to 2018) via
                            actor's alliance portfolio with each NATO member's, latest      :mod:`secnet.analytics.
                            ATOP year <= ``at``                                             similarity`
=================  =======  =============================================================  ==========================

``threat_distance`` is a *cost*: the closer a partner is to the named threat
(Russia for the Baltic, Black Sea and High North; China for the Indo-Pacific),
the more its partnership matters for deterrence and stability on that flank. A
user who wants the opposite can supply their own column. States are matched to
the research files through their COW code at ``at`` (``Actor.cow`` spells in
the registry); COW abbreviations are never treated as ISO codes. Alignment
uses formal alliance portfolios only (Signorino & Ritter 1999), so it says
nothing about the years after ATOP's last (2018): a note says which year was
used. Users add criteria of their
own from a CSV file (``actor_id`` + one column per criterion, header
``name`` or ``name:cost``).

**Missing values** (a state without a COW code, an organisation without a
democracy score): the worst value any alternative has on that criterion (the
minimum of a benefit, the maximum of a cost). Missing data never lifts a
partner. A criterion no alternative has a value for is left out, with a note.

The measured criteria of the ``stability`` and ``capability`` aims are defined in
:mod:`secnet.design.measured`; :mod:`secnet.design.prioritise` ranks partners on this table.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidInput, SecnetError, suggest
from ..model import vocab
from ..model.dates import NotAfter, Window
from ..registry import Registry, window
from ..userfiles import read_text
from .groupings import THEMATIC_KINDS
from .measured import CAPABILITY, MEASURED, STABILITY


NATO = "nato"
EOP = "eop"
FRAMEWORK_KINDS = frozenset({"partnership_framework", "consultative_body"})


@dataclass(frozen=True)
class Criterion:
    """One criterion: its name, whether more is better (``benefit``) or worse (``cost``), unit and source."""

    name: str
    direction: str
    unit: str
    source: str
    description: str

    @property
    def benefit(self) -> bool:
        return self.direction == "benefit"


CRITERIA: dict[str, Criterion] = {c.name: c for c in [
    Criterion("region", "benefit", "regions", "secnet registry: Actor.regions",
              "number of the aim's regions the actor is tagged with"),
    Criterion("capability", "benefit", "arrangements", "secnet registry at --at",
              "thematic arrangements (Centres of Excellence, flexible and minilateral formats, initiatives) the actor "
              "takes part in whose issue areas include one of the aim's capabilities"),
    Criterion("frameworks", "benefit", "frameworks", "secnet registry at --at",
              "NATO partnership frameworks the actor is a partner in"),
    Criterion("eop", "benefit", "0/1", "secnet registry at --at", "1 if an Enhanced Opportunities Partner, else 0"),
    Criterion("years", "benefit", "years", "secnet registry",
              "years since the actor first became a partner in any NATO framework"),
    Criterion("democracy", "benefit", "0-1", "V-Dem v10 v2x_polyarchy via peacesciencer ccode_democracy (to 2020)",
              "electoral democracy index, latest year up to --at with a value"),
    Criterion("cinc", "benefit", "share of world", "COW National Material Capabilities v7.0 via peacesciencer cow_nmc (to 2022)",
              "Composite Index of National Capability, latest year up to --at with a value"),
    Criterion("threat_distance", "cost", "km", "CShapes 2.0 minimum distance via peacesciencer cow_mindist (to 2019)",
              "minimum distance between the actor's and the threat's borders (0 = shared border); closer = more relevant"),
    Criterion("alignment", "benefit", "S (-1 to 1)", "ATOP v5.1 via peacesciencer atop_alliance (to 2018); secnet.research.similarity",
              "foreign-policy alignment: mean Signorino-Ritter S of the actor's alliance portfolio with each NATO member's, "
              "latest ATOP year up to --at"),
]}
#: The measured criteria of the stability and capability aims (see :mod:`secnet.design.measured`).
CRITERIA.update({name: Criterion(name, d, unit, source, text) for name, (d, unit, source, text) in MEASURED.items()})


@dataclass(frozen=True)
class Aim:
    """What the partnerships should serve: regions, the capabilities that matter, a threat, and preset weights."""

    name: str
    description: str
    regions: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    threat: str | None = None
    weights: dict[str, float] = field(default_factory=dict)
    #: measured criteria only (secnet.design.measured): the registry-count criteria are not computed
    measured: tuple[str, ...] = ()


_REGIONAL = {"region": 3, "capability": 2, "threat_distance": 2, "frameworks": 1, "eop": 1, "years": 1, "democracy": 1,
             "cinc": 1, "alignment": 1}
_THEMATIC = {"capability": 4, "frameworks": 1, "eop": 1, "years": 1, "democracy": 1, "cinc": 2, "alignment": 1}

#: The aims and their presets. Preset weights are a stated starting point, not a finding:
#: regional aims weigh the region most, then capabilities and proximity to the threat;
#: capability-gap aims weigh capability contributions most.
AIMS: dict[str, Aim] = {a.name: a for a in [
    Aim("stability", "partners whose stability matters most to the allies: neighbourhood, conflict exposure, aspiration",
        weights={c: 1 for c in STABILITY}, measured=STABILITY),
    Aim("capability", "partners that fill capability gaps: military expenditure and personnel, forces in NATO-led "
        "operations, interoperability programmes", weights={c: 1 for c in CAPABILITY}, measured=CAPABILITY),
    Aim("general", "overall partnership value: every thematic arrangement counts",
        capabilities=tuple(vocab.ISSUE_AREAS),
        weights={"capability": 2, "frameworks": 1, "eop": 1, "years": 1, "democracy": 1, "cinc": 1, "alignment": 1}),
    Aim("baltic", "stability and deterrence in the Baltic Sea region", ("baltic_sea",),
        ("maritime", "air_missile_defence", "cyber", "hybrid_threats", "energy_security", "critical_infrastructure"),
        "RUS", _REGIONAL),
    Aim("black_sea", "stability and deterrence in the Black Sea region", ("black_sea", "eastern_europe", "south_caucasus"),
        ("maritime", "air_missile_defence", "hybrid_threats", "energy_security", "defence_capacity_building", "cyber"),
        "RUS", _REGIONAL),
    Aim("southern_flank", "stability on NATO's southern flank: the Mediterranean, Middle East and Sahel",
        ("mediterranean", "middle_east_gulf", "sahel_africa"),
        ("maritime", "counter_terrorism", "migration", "border_security", "crisis_management", "stability_policing",
         "energy_security", "defence_capacity_building"), None, _REGIONAL),
    Aim("indo_pacific", "stability in the Indo-Pacific", ("indo_pacific",),
        ("maritime", "cyber", "space", "innovation_technology", "defence_industry", "critical_infrastructure", "intelligence"),
        "CHN", _REGIONAL),
    Aim("high_north", "security in the High North and the Arctic", ("high_north",),
        ("cold_weather", "maritime", "climate_security", "space", "air_missile_defence"), "RUS", _REGIONAL),
    Aim("western_balkans", "stability in the Western Balkans", ("western_balkans",),
        ("crisis_management", "stability_policing", "defence_capacity_building", "counter_ied", "border_security",
         "resilience", "military_engineering"), None, _REGIONAL),
    Aim("technology", "filling gaps in emerging and disruptive technologies", (),
        ("innovation_technology", "space", "cyber", "modelling_simulation", "defence_industry"), None, _THEMATIC),
    Aim("cyber", "filling gaps in cyber defence and against hybrid threats", (), ("cyber", "hybrid_threats"), None, _THEMATIC),
    Aim("resilience", "civil preparedness, resilience and critical infrastructure", (),
        ("resilience", "critical_infrastructure", "energy_security"), None, _THEMATIC),
    Aim("climate", "climate change and security", (), ("climate_security", "energy_security"), None, _THEMATIC),
    Aim("industry", "defence industry and armaments cooperation", (),
        ("defence_industry", "innovation_technology", "logistics"), None, _THEMATIC),
]}
AIM_ALIASES = {"mediterranean": "southern_flank", "south": "southern_flank", "balkans": "western_balkans"}


def aim(name: str | Aim) -> Aim:
    """The aim called ``name`` (or an alias such as ``mediterranean``)."""
    if isinstance(name, Aim):
        return name
    key = AIM_ALIASES.get(name, name)
    if key not in AIMS:
        hint = suggest(name, [*AIMS, *AIM_ALIASES], n=1)
        raise InvalidInput(f"unknown aim '{name}'" + (f"; did you mean {hint[0]}?" if hint else "")
                           + f" (aims: {', '.join(AIMS)})")
    return AIMS[key]


# --- the criteria table -------------------------------------------------------------------------


@dataclass
class CriteriaTable:
    """Criteria values for each alternative: ``values[i, j]`` is actor ``actors[i]`` on ``criteria[j]`` (NaN = missing)."""

    actors: list[str]
    names: list[str]
    criteria: list[Criterion]
    values: np.ndarray
    at: str
    aim: Aim
    threat: str | None = None
    notes: list[str] = field(default_factory=list)
    data_years: dict[str, str] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def benefit(self) -> np.ndarray:
        return np.array([c.benefit for c in self.criteria], dtype=bool)

    @property
    def criterion_names(self) -> list[str]:
        return [c.name for c in self.criteria]

    def filled(self) -> np.ndarray:
        """The values with every missing one replaced by the worst value on its criterion."""
        return fill_worst(self.values, self.benefit)


def fill_worst(values: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """Replace NaN by the column's worst value (min for a benefit, max for a cost); an all-NaN column becomes 0."""
    x = np.array(values, dtype=float, copy=True)
    missing = np.isnan(x)
    if not missing.any():
        return x
    with np.errstate(all="ignore"):
        worst = np.where(benefit, np.nanmin(np.where(missing, np.inf, x), axis=0), np.nanmax(np.where(missing, -np.inf, x), axis=0))
    worst = np.where(np.isfinite(worst), worst, 0.0)
    return np.where(missing, worst[None, :], x)


def partner_states(r: Registry, at: object = None) -> list[str]:
    """NATO's active partner states at ``at``: states in a partner-type role in NATO or any of its frameworks,
    less those whose cooperation is suspended then (a ``suspended`` role: Russia after April 2014)."""
    from ..partnership import suspensions

    if NATO not in r.arrangements:
        raise InvalidInput("the registry has no 'nato' arrangement; name the actors to rank with --actors")
    suspended = set(suspensions(r, NATO, at))
    return sorted({x["actor_id"] for x in r.partners(NATO, at=at) if x["kind"] == "state" and x["actor_id"] not in suspended})


def criteria_table(r: Registry, at: object = None, *, aim_name: str | Aim = "general", actors: list[str] | None = None,
                   threat: str | None = None, extra: pd.DataFrame | str | Path | None = None,
                   data_dir: str | Path | None = None, indicators_dir: str | Path | None = None) -> CriteriaTable:
    """Every available criterion for the alternatives at ``at`` (see the module docstring).

    ``threat`` overrides the aim's threat (``"none"`` drops the criterion);
    ``extra`` is a CSV path or a DataFrame indexed by actor id, one column per
    user criterion (a column named ``name:cost`` is a cost). ``indicators_dir``
    is the dataset directory whose ``indicators/`` the measured criteria read
    (default: the shipped dataset).
    """
    w = window(at)
    a = aim(aim_name)
    notes: list[str] = []
    unavailable: dict[str, str] = {}
    threat_id = None if threat is not None and threat.lower() == "none" else (threat or a.threat)
    if threat is None and threat_id is not None and threat_id not in r.actors:
        unavailable["threat_distance"] = f"the aim's threat {threat_id} is not in the registry"
        threat_id = None
    elif threat_id is not None:
        threat_id = r.actor_id(threat_id)
    ids = partner_states(r, w) if actors is None else list(dict.fromkeys(r.actor_id(x) for x in actors))
    if actors is None and threat_id in ids:
        ids.remove(threat_id)
        notes.append(f"{threat_id} is the threat named for threat_distance, so it is not ranked (name it in --actors to rank it)")
    if not ids:
        raise InvalidInput(f"no alternatives to rank at {w.label}" + (" (NATO has no partner states then)" if actors is None else ""))
    n = len(ids)
    cols: list[tuple[Criterion, np.ndarray]] = []
    years: dict[str, str] = {}

    if a.measured:
        from . import measured

        cols.extend((CRITERIA[name], col) for name, col in measured.columns(
            r, ids, w, a.measured, research=research_table, cow_codes=_cow_codes, data_dir=data_dir,
            indicators_dir=indicators_dir, notes=notes, unavailable=unavailable, years=years))
        if threat_id is not None:
            notes.append(f"the aim '{a.name}' uses measured criteria only; --threat {threat_id} is not used")
            threat_id = None
    else:
        _registry_columns(r, ids, w, a, threat_id, data_dir, cols, notes, unavailable, years)

    if extra is not None:
        cols.extend(_extra_columns(r, ids, extra))

    kept = []
    for crit, col in cols:
        if np.isnan(col).all():
            unavailable[crit.name] = "no alternative has a value"
            notes.append(f"{crit.name}: left out, no alternative has a value")
        else:
            kept.append((crit, col))
    values = np.column_stack([c for _, c in kept]) if kept else np.empty((n, 0))
    return CriteriaTable(actors=ids, names=[r.actors[i].name if i in r.actors else i for i in ids],
                         criteria=[c for c, _ in kept], values=values, at=w.label, aim=a, threat=threat_id,
                         notes=notes, data_years=years, unavailable=unavailable)


def _registry_columns(r, ids, w, a, threat_id, data_dir, cols, notes, unavailable, years) -> None:
    """The registry-count and research criteria of the regional and thematic aims (the module docstring's table)."""
    if a.regions:
        wanted = set(a.regions)
        cols.append((CRITERIA["region"], np.array([len(wanted & set(r.actors[i].regions)) for i in ids], dtype=float)))
    else:
        unavailable["region"] = f"the aim '{a.name}' names no region"

    table = r.participation_table(w)
    table = table[table.category != "suspended"]
    caps = set(a.capabilities)
    thematic = {x.id for x in r.as_of(w).arrangements if x.kind in THEMATIC_KINDS and caps & set(x.issue_areas)}
    counts = table[table.arrangement_id.isin(thematic)].groupby("actor_id").arrangement_id.nunique()
    cols.append((CRITERIA["capability"], np.array([counts.get(i, 0) for i in ids], dtype=float)))

    if NATO in r.arrangements:
        part_rows = r.partners(NATO, at=w)
        fw = {}
        for x in part_rows:
            if r.arrangements[x["arrangement_id"]].kind in FRAMEWORK_KINDS:
                fw.setdefault(x["actor_id"], set()).add(x["arrangement_id"])
        cols.append((CRITERIA["frameworks"], np.array([len(fw.get(i, ())) for i in ids], dtype=float)))
        if EOP in r.arrangements:
            cols.append((CRITERIA["eop"], np.array([float(EOP in fw.get(i, ())) for i in ids])))
        else:
            unavailable["eop"] = "the registry has no 'eop' arrangement"
        cols.append((CRITERIA["years"], _partnership_years(r, ids, w)))
    else:
        for c in ("frameworks", "eop", "years"):
            unavailable[c] = "the registry has no 'nato' arrangement"

    research = _research_columns(r, ids, w, threat_id, data_dir, notes, unavailable, years)
    cols.extend(research)
    if threat_id is None:
        unavailable.setdefault("threat_distance", f"the aim '{a.name}' names no threat (use --threat)")
    alignment = _alignment_column(r, ids, w, data_dir, notes, unavailable, years)
    if alignment is not None:
        cols.append((CRITERIA["alignment"], alignment))


def _partnership_years(r: Registry, ids: list[str], w: Window) -> np.ndarray:
    frameworks = [NATO, *r.descendants(NATO)]
    first: dict[str, object] = {}
    for fid in frameworks:
        for p in r.arrangements[fid].participations:
            # a "partner by X" start ([..X]) counts from X, where the partnership is known, not from the floor
            since = p.start.last if isinstance(p.start, NotAfter) else p.start.first
            if vocab.ROLES[p.role] in vocab.PARTNER_CATEGORIES and p.start.first < w.stop:
                if p.actor not in first or since < first[p.actor]:
                    first[p.actor] = since
    out = [max(0.0, (w.first - first[i]).days / 365.25) if i in first else 0.0 for i in ids]
    return np.round(np.array(out, dtype=float), 2)


def _cow_codes(r: Registry, ids: list[str], w: Window) -> list[int | None]:
    """Each actor's COW state code at ``w`` (``Actor.cow`` spells; None for organisations and states without one)."""
    out = []
    for i in ids:
        actor = r.actors.get(i)
        spell = actor.cow_at(w.lo) if actor is not None else None
        out.append(spell.code if spell else None)
    return out


def research_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """One research table (peacesciencer: ``cow_nmc``, ``cow_mindist``...): the only place prioritisation reads them."""
    from .. import research

    return research.read_reference(name, data_dir)


def _alignment_column(r, ids, w, data_dir, notes, unavailable, years) -> np.ndarray | None:
    """Mean Signorino-Ritter S of each alternative's ATOP alliance portfolio with the NATO members' portfolios."""
    from .. import research
    if NATO not in r.arrangements:
        unavailable["alignment"] = "the registry has no 'nato' arrangement"
        return None
    allies = sorted({m["actor_id"] for m in r.members(NATO, at=w)})
    ally_codes = {c for c in _cow_codes(r, allies, w) if c is not None}
    try:
        year = min(w.first.year, int(research_table("atop_alliance", data_dir).year.max()))
        sim = research.similarity(source="atop", measures="s", years=[year], data_dir=data_dir)
    except SecnetError as e:
        unavailable["alignment"] = f"research data unavailable ({e})"
        return None
    mean = sim[sim.ccode2.isin(ally_codes)].groupby("ccode1").sallyvua.mean()
    years["alignment"] = str(year)
    if year < w.first.year:
        notes.append(f"alignment: ATOP alliance portfolios of {year}, the last year ATOP covers")
    return np.array([mean.get(c, np.nan) if c is not None else np.nan for c in _cow_codes(r, ids, w)], dtype=float)


def _research_columns(r, ids, w, threat_id, data_dir, notes, unavailable, years) -> list[tuple[Criterion, np.ndarray]]:
    year = w.first.year
    codes = _cow_codes(r, ids, w)
    out = []
    try:
        demo = research_table("ccode_democracy", data_dir)
        nmc = research_table("cow_nmc", data_dir)
        dist = research_table("cow_mindist", data_dir) if threat_id is not None else None
    except SecnetError as e:
        for c in ("democracy", "cinc", "threat_distance"):
            unavailable[c] = f"research data unavailable ({e})"
        notes.append(f"democracy, cinc, threat_distance: left out; {e}")
        return out

    def latest(df: pd.DataFrame, code_col: str, value_col: str) -> tuple[dict[int, float], dict[int, int]]:
        d = df.loc[(df.year <= year) & df[value_col].notna(), [code_col, "year", value_col]].sort_values("year")
        last = d.groupby(code_col).tail(1)
        codes_ = last[code_col].tolist()
        return dict(zip(codes_, last[value_col].astype(float).tolist())), dict(zip(codes_, last.year.tolist()))

    def column(val: dict, yr: dict, name: str) -> np.ndarray:
        used = sorted({yr[c] for c in codes if c in yr})
        if used:  # the data years actually used, e.g. "2019" or "2018-2020"
            years[name] = str(used[0]) if used[0] == used[-1] else f"{used[0]}-{used[-1]}"
        return np.array([val.get(c, np.nan) for c in codes], dtype=float)

    for name, df, col in (("democracy", demo, "v2x_polyarchy"), ("cinc", nmc, "cinc")):
        val, yr = latest(df, "ccode", col)
        out.append((CRITERIA[name], column(val, yr, name)))

    if threat_id is not None:
        actor = r.actors[threat_id]
        spell = actor.cow_at(w.lo)
        if spell is None:
            raise InvalidInput(f"threat '{threat_id}' has no COW state code at {w.label}; distances are by COW code")
        t = spell.code
        d = dist.loc[((dist.ccode1 == t) | (dist.ccode2 == t)) & (dist.year <= year)]
        other = np.where(d.ccode1.to_numpy() == t, d.ccode2.to_numpy(), d.ccode1.to_numpy())
        d = pd.DataFrame({"ccode": other, "year": d.year.to_numpy(), "mindist": d.mindist.to_numpy()})
        val, yr = latest(d, "ccode", "mindist")
        out.append((CRITERIA["threat_distance"], column(val, yr, "threat_distance")))
    return out


def read_criteria_csv(path: str | Path) -> pd.DataFrame:
    """User criteria from a CSV file: ``actor_id`` then one column per criterion (``name`` or ``name:cost``).

    Empty cells are missing values. Returns a DataFrame indexed by actor id.
    """
    text = read_text(path, "--criteria")
    rows = list(csv.reader(text.splitlines()))
    if not rows or not rows[0] or rows[0][0].strip() != "actor_id" or len(rows[0]) < 2:
        raise InvalidInput(f"{path}:1: the header must be actor_id followed by one column per criterion")
    header = [h.strip() for h in rows[0]]
    for column, h in enumerate(header[1:], start=2):
        if not h:
            raise InvalidInput(f"{path}:1: column {column} has no name")
        if h in header[1:column - 1]:
            raise InvalidInput(f"{path}:1: criterion '{h}' appears twice")
    data: dict[str, list[float]] = {h: [] for h in header[1:]}
    index = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InvalidInput(f"{path}:{line}: expected {len(header)} fields, found {len(row)}")
        index.append(row[0].strip())
        for h, cell in zip(header[1:], row[1:]):
            cell = cell.strip()
            try:
                data[h].append(float(cell) if cell else math.nan)
            except ValueError:
                raise InvalidInput(f"{path}:{line}: {h}: '{cell}' is not a number") from None
    return pd.DataFrame(data, index=pd.Index(index, name="actor_id"))


def _extra_columns(r: Registry, ids: list[str], extra) -> list[tuple[Criterion, np.ndarray]]:
    source = f"user file {extra}" if isinstance(extra, (str, Path)) else "user data"
    df = read_criteria_csv(extra) if isinstance(extra, (str, Path)) else extra
    df = df.copy()
    df.index = [r.actor_id(str(i)) for i in df.index]
    if df.index.duplicated().any():
        raise InvalidInput(f"{source}: actor {df.index[df.index.duplicated()][0]} appears twice")
    out = []
    for col in df.columns:
        name, _, direction = str(col).partition(":")
        name, direction = name.strip(), (direction.strip() or "benefit")
        if direction not in ("benefit", "cost"):
            raise InvalidInput(f"{source}: column '{col}': the direction after ':' must be benefit or cost")
        if name in CRITERIA:
            raise InvalidInput(f"{source}: column '{name}' clashes with the built-in criterion of that name")
        values = pd.to_numeric(df[col], errors="coerce").reindex(ids).to_numpy(dtype=float)
        out.append((Criterion(name, direction, "", source, "supplied by the user"), values))
    return out
