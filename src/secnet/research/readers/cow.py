"""Read Correlates of War files as a researcher downloads them from the COW project.

- Formal Alliances v4.1: ``alliance_v4.1_by_dyad_yearly.csv`` and
  ``alliance_v4.1_by_member_yearly.csv`` (Gibler 2009). secnet does not ship
  them: the maintainer asks users to download the files themselves.
- State System Membership v2016: ``states2016.csv`` (spells) and
  ``system2016.csv`` (state-years).
- Intergovernmental Organizations v3.0: ``state_year_formatv3.csv`` and
  ``dyadic_formatv3.csv`` (Pevehouse et al. 2020).

Each reader returns the layout peacesciencer uses for the same data, so the
result can be passed to the ``add_*`` verbs of
:mod:`secnet.research.panels` and to
:func:`secnet.research.similarity_panel.alliance_similarity`. Files may be CSV
(optionally gzip), Stata ``.dta``, R ``.rda``/``.rds`` (read with the MIT-
licensed ``rdata``) or Parquet. Column names are matched case-insensitively.
Problems are reported as :class:`~secnet.errors.InvalidData` naming the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from secnet.errors import InvalidData, InvalidInput
from secnet.research.readers.files import _CSV_SUFFIXES, IGO_ID_COLUMNS, PathLike, _columns, _flags, _whole, read_data_file

# ---------------------------------------------------------------------------
# Formal Alliances v4.1

COW_DYAD_COLUMNS = ("defense", "neutrality", "nonaggression", "entente")
#: peacesciencer's names for the four obligations.
COW_ALLIANCE_NAMES = {
    "defense": "cow_defense",
    "neutrality": "cow_neutral",
    "nonaggression": "cow_nonagg",
    "entente": "cow_entente",
}


def read_cow_alliance_dyad_years(path: PathLike) -> pd.DataFrame:
    """COW Formal Alliances v4.1, dyad-year file (``alliance_v4.1_by_dyad_yearly.csv``).

    Returns a directed dyad-year table ``ccode1, ccode2, year, cow_defense,
    cow_neutral, cow_nonagg, cow_entente`` (0/1), processed as peacesciencer
    did before the function was withdrawn: a dyad in several alliances in a
    year gets 1 for an obligation if any of them has it; rows whose ``year``
    is 0 (two known errors in v4.1) are spread over the dyad's
    ``dyad_st_year`` to ``dyad_end_year`` (the last year in the file when
    the end is missing); every dyad-year is then mirrored, so (a, b) and
    (b, a) carry the same values.
    """
    table = read_data_file(path)
    _columns(table, path, "COW alliance dyad-year", ("ccode1", "ccode2", "year", *COW_DYAD_COLUMNS))
    c1, c2 = _whole(table, "ccode1", path), _whole(table, "ccode2", path)
    year = _whole(table, "year", path)
    flags = {c: _flags(table, c, path) for c in COW_DYAD_COLUMNS}
    frame = pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": year, **flags})
    zero = year == 0
    if zero.any():
        _columns(table, path, "COW alliance dyad-year", ("dyad_st_year",))
        start = _whole(table, "dyad_st_year", path)[zero]
        if "dyad_end_year" in table.columns:
            end = _whole(table, "dyad_end_year", path, allow_missing=True)[zero]
        else:
            end = np.full(start.size, np.nan)
        last = int(year[~zero].max()) if (~zero).any() else int(start.max())
        end = np.where(np.isnan(end) | (end == 0), last, end).astype(np.int64)
        length = np.maximum(end - start + 1, 0)
        rows = np.repeat(np.flatnonzero(zero), length)
        spread = frame.iloc[rows].copy()
        step = np.arange(rows.size) - np.repeat(np.cumsum(length) - length, length)
        spread["year"] = np.repeat(start, length) + step
        frame = pd.concat([frame[~zero], spread], ignore_index=True)
    mirrored = frame.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    both = pd.concat([frame, mirrored[frame.columns]], ignore_index=True)
    both = both[both["ccode1"] != both["ccode2"]]
    out = both.groupby(["ccode1", "ccode2", "year"], as_index=False, sort=True)[list(COW_DYAD_COLUMNS)].max()
    out = out.rename(columns=COW_ALLIANCE_NAMES)
    out.attrs["source"] = "COW Formal Alliances v4.1 (dyad-yearly)"
    return out


def read_cow_alliance_member_years(path: PathLike) -> pd.DataFrame:
    """COW Formal Alliances v4.1, member-year file (``alliance_v4.1_by_member_yearly.csv``).

    One row per alliance member per year: ``version4id, ccode, year,
    defense, neutrality, nonaggression, entente`` (0/1), plus ``ss_type``,
    ``left_censor`` and ``right_censor`` when the file has them.
    """
    table = read_data_file(path)
    _columns(table, path, "COW alliance member-year", ("version4id", "ccode", "year", *COW_DYAD_COLUMNS))
    out = pd.DataFrame(
        {
            "version4id": _whole(table, "version4id", path),
            "ccode": _whole(table, "ccode", path),
            "year": _whole(table, "year", path),
            **{c: _flags(table, c, path) for c in COW_DYAD_COLUMNS},
        }
    )
    for extra in ("ss_type", "left_censor", "right_censor"):
        if extra in table.columns:
            out[extra] = table[extra].to_numpy()
    if out.duplicated(["version4id", "ccode", "year"]).any():
        dup = out[out.duplicated(["version4id", "ccode", "year"])].iloc[0]
        raise InvalidData(
            f"{path}: alliance {dup['version4id']}, state {dup['ccode']}, year {dup['year']} appears more than once"
        )
    out.attrs["source"] = "COW Formal Alliances v4.1 (member-yearly)"
    return out


# ---------------------------------------------------------------------------
# State System Membership v2016

STATE_COLUMNS = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")


def read_cow_states(path: PathLike) -> pd.DataFrame:
    """COW State System Membership spells (``states2016.csv``), in that layout.

    ``stateabb, ccode, statenme, styear, stmonth, stday, endyear, endmonth,
    endday`` (and ``version``). Pass the result as ``states=`` to
    :func:`secnet.research.panels.dyad_years` to build panels from a newer
    list. Checks that dates are real and no spell ends before it starts.
    """
    table = read_data_file(path)
    _columns(table, path, "COW state system (states2016)", STATE_COLUMNS)
    out = pd.DataFrame({"stateabb": table["stateabb"].astype("str"), "ccode": _whole(table, "ccode", path)})
    out["statenme"] = table["statenme"].astype("str")
    for column in STATE_COLUMNS[3:]:
        out[column] = _whole(table, column, path)
    if "version" in table.columns:
        out["version"] = table["version"].to_numpy()
    start = pd.to_datetime(
        {"year": out["styear"], "month": out["stmonth"], "day": out["stday"]}, errors="coerce"
    )
    end = pd.to_datetime({"year": out["endyear"], "month": out["endmonth"], "day": out["endday"]}, errors="coerce")
    for label, dates in (("start", start), ("end", end)):
        if dates.isna().any():
            row = int(np.flatnonzero(dates.isna().to_numpy())[0])
            raise InvalidData(f"{path}: row {row + 2}: the {label} date is not a calendar date")
    if (end < start).any():
        row = int(np.flatnonzero((end < start).to_numpy())[0])
        raise InvalidData(f"{path}: row {row + 2}: ccode {out['ccode'][row]} ends before it starts")
    out.attrs["source"] = "COW State System Membership"
    return out


def read_cow_system(path: PathLike) -> pd.DataFrame:
    """COW state-years (``system2016.csv``): ``stateabb, ccode, year``."""
    table = read_data_file(path)
    _columns(table, path, "COW state system (system2016)", ("ccode", "year"))
    out = pd.DataFrame({"ccode": _whole(table, "ccode", path), "year": _whole(table, "year", path)})
    if "stateabb" in table.columns:
        out.insert(0, "stateabb", table["stateabb"].astype("str"))
    if out.duplicated(["ccode", "year"]).any():
        dup = out[out.duplicated(["ccode", "year"])].iloc[0]
        raise InvalidData(f"{path}: ccode {dup['ccode']} in {dup['year']} appears more than once")
    return out


# ---------------------------------------------------------------------------
# IGO v3.0


def read_cow_igo_state_years(path: PathLike) -> pd.DataFrame:
    """COW IGO v3.0 state-year file (``state_year_formatv3.csv``), summed.

    One column per IGO holds the state's status that year (0 none, 1 full
    member, 2 associate, 3 observer; -9 missing and -1 "IGO not in
    existence" count as missing). Returns peacesciencer's ``cow_igo_sy``:
    ``ccode, year, sum_igo_full, sum_igo_associate, sum_igo_observer,
    sum_igo_anytype``.
    """
    table = read_data_file(path)
    _columns(table, path, "COW IGO state-year", ("ccode", "year"))
    igos = _igo_columns(table, path)
    status = _igo_matrix(table, igos, path)
    out = pd.DataFrame({"ccode": _whole(table, "ccode", path), "year": _whole(table, "year", path)})
    out["sum_igo_full"] = (status == 1).sum(axis=1)
    out["sum_igo_associate"] = (status == 2).sum(axis=1)
    out["sum_igo_observer"] = (status == 3).sum(axis=1)
    out["sum_igo_anytype"] = (status >= 1).sum(axis=1)
    return out.sort_values(["ccode", "year"], kind="stable").reset_index(drop=True)


def read_cow_igo_dyad_years(path: PathLike) -> pd.DataFrame:
    """COW IGO v3.0 dyadic file (``dyadic_formatv3.csv``), summed.

    One column per IGO is 1 when both states are full members that year
    (negative codes count as missing). Returns peacesciencer's
    ``cow_igo_ndy``: non-directed ``ccode1, ccode2, year, dyadigos``. The
    official file is large: CSV files are read in blocks, so only the four
    result columns are ever held in memory in full.
    """
    path = Path(path)
    lower = path.name.lower()
    if not lower.endswith(_CSV_SUFFIXES):
        table = read_data_file(path)
        _columns(table, path, "COW IGO dyad-year", ("ccode1", "ccode2", "year"))
        status = _igo_matrix(table, _igo_columns(table, path), path)
        out = pd.DataFrame({c: _whole(table, c, path) for c in ("ccode1", "ccode2", "year")})
        out["dyadigos"] = np.where(status > 0, status, 0).sum(axis=1).astype(np.int64)
        return out
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    parts = []
    try:
        # Types fixed from the header: a block of missing codes must not change a column's type.
        header = pacsv.open_csv(path).schema.names
        types = {n: (pa.string() if n.strip().lower() in ("state1", "state2") else pa.float64()) for n in header}
        convert = pacsv.ConvertOptions(null_values=["", "NA", "."], column_types=types)
        reader = pacsv.open_csv(path, convert_options=convert)
        names = [n.strip().lower() for n in reader.schema.names]
        missing = [c for c in ("ccode1", "ccode2", "year") if c not in names]
        if missing:
            raise InvalidData(f"{path}: not a COW IGO dyad-year file: missing column(s) {', '.join(missing)}")
        keys = [names.index(c) for c in ("ccode1", "ccode2", "year")]
        igos = [i for i, n in enumerate(names) if n not in IGO_ID_COLUMNS]
        for batch in reader:
            total = np.zeros(batch.num_rows, dtype=np.int64)
            for i in igos:
                column = batch.column(i)
                kind = column.type
                if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind)):
                    raise InvalidData(f"{path}: IGO column {names[i]} is not numeric")
                values = np.nan_to_num(column.to_numpy(zero_copy_only=False).astype(np.float64), nan=0.0)
                total += np.where(values > 0, values, 0).astype(np.int64)
            key_values = [batch.column(k).to_numpy(zero_copy_only=False) for k in keys]
            if any(np.isnan(v).any() for v in key_values):
                raise InvalidData(f"{path}: a row has no ccode1, ccode2 or year")
            frame = dict(zip(("ccode1", "ccode2", "year"), (v.astype(np.int64) for v in key_values), strict=True))
            parts.append(pd.DataFrame({**frame, "dyadigos": total}))
    except (pa.ArrowInvalid, ValueError) as exc:
        raise InvalidData(f"{path}: cannot be read: {exc}") from exc
    if not parts:
        return pd.DataFrame({c: np.zeros(0, dtype=np.int64) for c in ("ccode1", "ccode2", "year", "dyadigos")})
    return pd.concat(parts, ignore_index=True)


def _igo_columns(table: pd.DataFrame, path: PathLike) -> list[str]:
    igos = [c for c in table.columns if c not in IGO_ID_COLUMNS]
    if not igos:
        raise InvalidData(f"{path}: no IGO columns besides the identifiers")
    return igos


def _igo_matrix(table: pd.DataFrame, igos: list[str], path: PathLike) -> np.ndarray:
    """IGO codes as a (rows, IGOs) array; negative codes (missing) become -1."""
    status = np.empty((len(table), len(igos)), dtype=np.int64)
    for j, column in enumerate(igos):
        values = pd.to_numeric(table[column], errors="coerce")
        if values.isna().any() and table[column].notna().any() and values.isna().sum() > table[column].isna().sum():
            raise InvalidData(f"{path}: IGO column {column} is not numeric")
        status[:, j] = np.where(values.isna() | (values < 0), -1, values.fillna(-1)).astype(np.int64)
    return status
