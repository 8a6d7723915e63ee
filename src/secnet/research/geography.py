"""Geography per dyad-year: COW direct contiguity, CShapes minimum distance, capital distance.

Sources: Stinnett et al. (2002), COW Direct Contiguity v3.2; Schvitz et al.
(2022), CShapes 2.0; peacesciencer's geocoded capitals (OpenStreetMap).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from secnet.errors import InvalidInput
from secnet.research.joins import _Keys, _dyad_rows, _panel_kind, _require, _state_rows, _table, _take, _with
from secnet.research.states import _expand_years
from secnet.research.system import _year_of
from secnet.research.years import DataDir

#: Earth radius (m) used by geosphere::distVincentySphere, as in peacesciencer.
EARTH_RADIUS_M = 6378137.0


def contiguity_years(contdir: pd.DataFrame | None = None, slice: str = "first", *, data_dir: DataDir = None):
    """Directed dyad-years of COW direct contiguity v3.2 with their ``conttype``.

    The master records are monthly spells; in a year where a dyad's
    contiguity changes, ``slice="first"`` keeps the type of the first month
    of the year it is recorded for and ``"last"`` the last (peacesciencer's
    ``add_contiguity(slice=)``; ties between overlapping spells go to the
    earlier record in the file for "first", the later for "last").
    """
    if slice not in ("first", "last"):
        raise InvalidInput("slice must be 'first' or 'last'")
    contdir = _table(contdir, "cow_contdir", data_dir)
    _require(contdir, ("ccode1", "ccode2", "conttype", "stdate", "enddate"), "contiguity table")
    start = pd.to_datetime(contdir["stdate"]).to_numpy("datetime64[M]")
    end = pd.to_datetime(contdir["enddate"]).to_numpy("datetime64[M]")
    spells = pd.DataFrame(
        {
            "ccode1": contdir["ccode1"].to_numpy(np.int64),
            "ccode2": contdir["ccode2"].to_numpy(np.int64),
            "conttype": contdir["conttype"].to_numpy(np.int64),
            "start": start.astype("datetime64[Y]").astype(np.int64) + 1970,
            "end": end.astype("datetime64[Y]").astype(np.int64) + 1970,
            "m0": start.astype(np.int64) % 12,
            "m1": end.astype(np.int64) % 12,
        }
    )
    years = _expand_years(spells, "start", "end")
    first_month = np.where(years["year"] == years["start"], years["m0"], 0)
    last_month = np.where(years["year"] == years["end"], years["m1"], 11)
    if slice == "first":
        years["order"] = first_month * 100_000 + years["spell"]
        pick = years.sort_values("order", kind="stable").drop_duplicates(["ccode1", "ccode2", "year"], keep="first")
    else:
        years["order"] = last_month * 100_000 + years["spell"]
        pick = years.sort_values("order", kind="stable").drop_duplicates(["ccode1", "ccode2", "year"], keep="last")
    pick = pick.sort_values(["ccode1", "ccode2", "year"])[["ccode1", "ccode2", "year", "conttype"]]
    pick.attrs["years"] = (int(spells["start"].min()), int(spells["end"].max()))
    return pick.reset_index(drop=True)


def add_contiguity(
    panel: pd.DataFrame, contdir: pd.DataFrame | None = None, *, slice: str = "first", data_dir: DataDir = None
) -> pd.DataFrame:
    """COW direct contiguity v3.2, like ``add_contiguity()``.

    Dyad-years get ``conttype``: 1 land border, 2/3/4/5 separated by up to
    12/24/150/400 miles of water, 0 none of these (categories, not an ordinal
    scale). State-years get ``land`` and ``sea``: how many states border it
    by land / by water (types 2-5). 0 inside the data's span (1816-2016), NA
    after. See :func:`contiguity_years` for ``slice``. Source: Stinnett et al.
    (2002).
    """
    kind = _panel_kind(panel, "add_contiguity")
    cont = contiguity_years(contdir, slice, data_dir=data_dir)
    first, last = cont.attrs["years"]
    year = panel["year"].to_numpy(np.int64)
    inside = (year >= first) & (year <= last)
    if kind == "dyad":
        rows = _dyad_rows(panel, "ccode", cont)
        return _with(panel, {"conttype": _take(cont["conttype"], rows, "Int8", inside)})
    conttype = cont["conttype"].to_numpy()
    counts = pd.DataFrame(
        {"ccode": cont["ccode1"], "year": cont["year"], "land": conttype == 1, "sea": conttype > 1}
    ).groupby(["ccode", "year"], as_index=False).sum()
    rows = _state_rows(_Keys.of(panel), "", counts)
    return _with(panel, {c: _take(counts[c].to_numpy(np.int64), rows, "Int64", inside) for c in ("land", "sea")})


def add_mindist(panel: pd.DataFrame, mindist: pd.DataFrame | None = None, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Minimum distance between borders in km (CShapes 2.0), like ``add_minimum_distance()``.

    Dyad-years get ``mindist`` (on 1 January; 0 = shared border), from the
    non-directed table mirrored. State-years get ``minmindist``, the smallest
    ``mindist`` to any other state that year. Plain left join: NA outside
    1886-2019 and where CShapes has no polygon. This is peacesciencer's
    ``use_extdata = FALSE`` path (the shipped ``cow_mindist``).
    """
    kind = _panel_kind(panel, "add_mindist")
    mindist = _table(mindist, "cow_mindist", data_dir)
    _require(mindist, ("ccode1", "ccode2", "year", "mindist"), "minimum distance table")
    if kind == "dyad":
        rows = _dyad_rows(panel, "ccode", mindist, mirror=True)
        return _with(panel, {"mindist": _take(mindist["mindist"], rows)})
    both = pd.DataFrame(
        {
            "ccode": np.concatenate([mindist["ccode1"], mindist["ccode2"]]),
            "year": np.concatenate([mindist["year"], mindist["year"]]),
            "minmindist": np.concatenate([mindist["mindist"], mindist["mindist"]]),
        }
    )
    smallest = both.groupby(["ccode", "year"], as_index=False)["minmindist"].min()
    rows = _state_rows(_Keys.of(panel), "", smallest)
    return _with(panel, {"minmindist": _take(smallest["minmindist"], rows)})


def capital_years(
    capitals: pd.DataFrame | None = None, transsum: str = "first", *, data_dir: DataDir = None
) -> pd.DataFrame:
    """The capital of each COW state in each year: ``ccode, year, lat, lng``.

    In a year the capital moved, ``transsum="first"`` (or ``"jan1"``) keeps
    the capital of the first day of the year that the list covers, ``"last"``
    (or ``"dec31"``) the capital of the last day.
    """
    if transsum not in ("first", "jan1", "last", "dec31"):
        raise InvalidInput("transsum must be 'first', 'jan1', 'last' or 'dec31'")
    capitals = _table(capitals, "cow_capitals", data_dir)
    _require(capitals, ("ccode", "stdate", "enddate", "lat", "lng"), "capitals table")
    start = pd.to_datetime(capitals["stdate"]).to_numpy("datetime64[D]")
    end = pd.to_datetime(capitals["enddate"]).to_numpy("datetime64[D]")
    spells = pd.DataFrame(
        {
            "ccode": capitals["ccode"].to_numpy(np.int64),
            "start": _year_of(start),
            "end": _year_of(end),
            "day0": start.astype(np.int64),
            "lat": capitals["lat"].to_numpy(np.float64),
            "lng": capitals["lng"].to_numpy(np.float64),
        }
    )
    years = _expand_years(spells, "start", "end").sort_values(["ccode", "year", "day0", "spell"], kind="stable")
    keep = "first" if transsum in ("first", "jan1") else "last"
    years = years.drop_duplicates(["ccode", "year"], keep=keep)
    return years[["ccode", "year", "lat", "lng"]].reset_index(drop=True)


def vincenty_sphere_km(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance in km by Vincenty's formula on a sphere.

    The same computation as ``geosphere::distVincentySphere`` (radius
    6,378,137 m), which peacesciencer uses: with longitudes λ and latitudes φ
    in radians and Δλ = λ1 - λ2,

        d = r · atan2( √((cos φ2 sin Δλ)² + (cos φ1 sin φ2 - sin φ1 cos φ2 cos Δλ)²),
                       sin φ1 sin φ2 + cos φ1 cos φ2 cos Δλ )
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lng1) - np.radians(lng2)
    cos_p1, sin_p1, cos_p2, sin_p2, cos_dl = np.cos(p1), np.sin(p1), np.cos(p2), np.sin(p2), np.cos(dl)
    x = np.hypot(cos_p2 * np.sin(dl), cos_p1 * sin_p2 - sin_p1 * cos_p2 * cos_dl)
    y = sin_p1 * sin_p2 + cos_p1 * cos_p2 * cos_dl
    return EARTH_RADIUS_M * np.arctan2(x, y) / 1000.0


def add_capital_distance(
    panel: pd.DataFrame,
    capitals: pd.DataFrame | None = None,
    *,
    transsum: str = "first",
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Distance between capitals in km, like ``add_capital_distance()``.

    Dyad-years get ``capdist``; state-years get ``mincapdist``, the distance
    to the nearest other capital among the states in the COW system that
    year. Distances by :func:`vincenty_sphere_km` from peacesciencer's
    geocoded capitals (OpenStreetMap); see :func:`capital_years` for
    ``transsum``. NA where a capital is unknown.
    """
    from secnet.research.panels import dyad_years  # the panel builder imports this module

    kind = _panel_kind(panel, "add_capital_distance")
    caps = capital_years(capitals, transsum, data_dir=data_dir)
    if kind == "dyad":
        return _with(panel, {"capdist": _capdist(panel, caps)})
    year = panel["year"].to_numpy(np.int64)
    dyads = dyad_years("cow", True, (int(year.min()), int(year.max())), data_dir=data_dir)
    dist = _capdist(dyads, caps)
    nearest = (
        pd.DataFrame({"ccode": dyads["ccode1"], "year": dyads["year"], "mincapdist": dist})
        .groupby(["ccode", "year"], as_index=False)["mincapdist"]
        .min()
    )
    rows = _state_rows(_Keys.of(panel), "", nearest)
    return _with(panel, {"mincapdist": _take(nearest["mincapdist"], rows)})


def _capdist(dyads: pd.DataFrame, caps: pd.DataFrame) -> np.ndarray:
    keys = _Keys.of(dyads)
    r1, r2 = _state_rows(keys, "1", caps), _state_rows(keys, "2", caps)
    lat, lng = caps["lat"].to_numpy(), caps["lng"].to_numpy()
    return vincenty_sphere_km(_take(lat, r1), _take(lng, r1), _take(lat, r2), _take(lng, r2))
