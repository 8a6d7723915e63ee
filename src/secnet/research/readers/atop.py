"""Read ATOP 5.1 files as a researcher downloads them (Leeds et al. 2002).

- the directed dyad-year file ``atop5_1ddyr.csv`` / ``.dta``: one row per
  ordered pair of members per year, with ``stateA``, ``stateB`` (COW codes)
  and the obligation flags ``defense, offense, neutral, nonagg, consul``;
- the member-level file ``atop5_1m.csv`` / ``.dta``: one row per member per
  alliance phase, with entry and exit dates.

:func:`read_atop_dyad_years` returns peacesciencer's ``atop_alliance``
layout, so the result can replace the shipped table in
:func:`secnet.research.panels.add_atop_alliance` and feed
:func:`secnet.research.similarity_panel.alliance_similarity`. Files may be CSV,
Stata, R (``.rda``/``.rds``) or Parquet; column names are matched
case-insensitively (``stateA`` and ``statea`` are the same column).

ATOP codes some obligations one way only: (A, B) can have ``defense = 1``
while (B, A) has 0. The direction is kept as in the file; see the ATOP 5.1
codebook for which side made the promise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from secnet.errors import InvalidData
from secnet.research.readers.files import PathLike, _columns, _flags, _whole, read_data_file

OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
#: peacesciencer's names for the obligation columns.
ATOP_NAMES = {o: f"atop_{o}" for o in OBLIGATIONS}


def read_atop_dyad_years(path: PathLike) -> pd.DataFrame:
    """ATOP 5.1 directed dyad-year file as ``ccode1, ccode2, year, atop_defense,
    atop_offense, atop_neutral, atop_nonagg, atop_consul`` (0/1).

    ``stateA``/``stateB`` become ``ccode1``/``ccode2``. A file already in
    peacesciencer's layout (``ccode1, ccode2, year, atop_*``) is read as is.
    Refuses missing codes, flags other than 0/1, self-dyads and a dyad-year
    listed twice.
    """
    table = read_data_file(path)
    if {"ccode1", "ccode2", "year", *ATOP_NAMES.values()} <= set(table.columns):
        table = table.rename(columns={v: k for k, v in ATOP_NAMES.items()}).rename(
            columns={"ccode1": "statea", "ccode2": "stateb"}
        )
    _columns(table, path, "ATOP dyad-year", ("statea", "stateb", "year", *OBLIGATIONS))
    out = pd.DataFrame(
        {
            "ccode1": _whole(table, "statea", path),
            "ccode2": _whole(table, "stateb", path),
            "year": _whole(table, "year", path),
        }
    )
    for obligation in OBLIGATIONS:
        out[ATOP_NAMES[obligation]] = _flags(table, obligation, path)
    self_dyads = out["ccode1"] == out["ccode2"]
    if self_dyads.any():
        row = int(np.flatnonzero(self_dyads.to_numpy())[0])
        raise InvalidData(f"{path}: row {row + 2}: stateA and stateB are both {out['ccode1'][row]}")
    duplicated = out.duplicated(["ccode1", "ccode2", "year"])
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        dup = out.iloc[row]
        raise InvalidData(
            f"{path}: row {row + 2}: dyad {dup['ccode1']}-{dup['ccode2']} in {dup['year']} appears more than once"
        )
    out.attrs["source"] = "ATOP 5.1 (directed dyad-year)"
    return out


def read_atop_members(path: PathLike) -> pd.DataFrame:
    """ATOP 5.1 member-level file: one row per member of an alliance (phase).

    Returns ``atopid, ccode, phase, styear, stmonth, stday, endyear,
    endmonth, endday`` and, when the file has them, the member's obligation
    flags ``defense, offense, neutral, nonagg, consul``. ATOP writes 0 for
    an unknown month or day and 0 as the exit year of a membership still in
    force; those become missing (NA), so an NA ``endyear`` means "ongoing".
    """
    table = read_data_file(path)
    _columns(table, path, "ATOP member-level", ("atopid", "member", "yrent", "yrexit"))
    out = pd.DataFrame({"atopid": _whole(table, "atopid", path), "ccode": _whole(table, "member", path)})
    unknown = pd.array([pd.NA] * len(table), "Int64")
    out["phase"] = _date_part(table, "phase", path) if "phase" in table.columns else unknown
    for target, source in (
        ("styear", "yrent"),
        ("stmonth", "moent"),
        ("stday", "dayent"),
        ("endyear", "yrexit"),
        ("endmonth", "moexit"),
        ("endday", "dayexit"),
    ):
        out[target] = _date_part(table, source, path) if source in table.columns else unknown
    if out["styear"].isna().any():
        row = int(np.flatnonzero(out["styear"].isna().to_numpy())[0])
        raise InvalidData(f"{path}: row {row + 2}: yrent (the year the member joined) is missing")
    ended = out["endyear"].notna()
    backwards = ended & (out["endyear"] < out["styear"])
    if backwards.any():
        row = int(np.flatnonzero(backwards.to_numpy())[0])
        raise InvalidData(f"{path}: row {row + 2}: alliance {out['atopid'][row]}: exit year before entry year")
    for obligation in OBLIGATIONS:
        if obligation in table.columns:
            out[obligation] = _flags(table, obligation, path)
    out.attrs["source"] = "ATOP 5.1 (member-level)"
    return out


def atop_member_years(members: pd.DataFrame, *, last_year: int = 2018) -> pd.DataFrame:
    """Member-years (``atopid, ccode, year``) from :func:`read_atop_members`.

    A membership counts in every year from its entry year to its exit year;
    an ongoing one (no exit year) to ``last_year`` (ATOP 5.1 ends in 2018).
    """
    start = members["styear"].to_numpy(dtype=np.int64)
    end = members["endyear"].to_numpy(dtype="float64", na_value=np.nan)
    end = np.where(np.isnan(end), last_year, end).astype(np.int64)
    length = np.maximum(end - start + 1, 0)
    row = np.repeat(np.arange(len(members)), length)
    year = start[row] + np.arange(row.size) - np.repeat(np.cumsum(length) - length, length)
    out = pd.DataFrame(
        {"atopid": members["atopid"].to_numpy()[row], "ccode": members["ccode"].to_numpy()[row], "year": year}
    )
    return out.drop_duplicates().reset_index(drop=True)


def _date_part(table: pd.DataFrame, column: str, path: PathLike) -> pd.arrays.IntegerArray:
    """A year/month/day column where 0 means unknown (or, for an exit year, ongoing)."""
    values = _whole(table, column, path, allow_missing=True)
    values = np.where(values == 0, np.nan, values)
    if (values < 0).any():
        row = int(np.flatnonzero(values < 0)[0])
        raise InvalidData(f"{path}: row {row + 2}: {column} is negative")
    return pd.array(values, dtype="Int64")
