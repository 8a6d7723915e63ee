"""Locate and read the peacesciencer data files that the research panels use.

The files are the data frames of the R package peacesciencer (Miller 2022,
*Conflict Management and Peace Science* 39(6): 755-779), converted to gzip CSV,
one file per data frame, file name = R object name (``cow_states.csv.gz``...).
They are not shipped with secnet: the directory that holds them is

1. the ``data_dir`` argument, when given;
2. else the environment variable ``SECNET_PEACESCIENCER_DIR``;
3. else ``../shared/data/peacesciencer`` next to the repository root, or next
   to the current working directory.

Tables are parsed once per process (pyarrow's CSV reader) and cached; every
call returns a shallow copy, so a caller that changes its copy (pandas
copy-on-write) cannot change what the next caller sees.

Missing values are empty CSV fields. A column whose values are all whole
numbers comes back as ``int64`` when it has no missing value and as pandas'
nullable ``Int64`` when it has one (``polity2``, ``milex``...), so an integer
never turns into a float on the way in. Date columns come back as
``datetime64``.

:func:`write_table` writes a panel or a similarity table as CSV (missing
values as empty fields, as in these files), Parquet, Stata or Feather.
"""

from __future__ import annotations

import gzip
import os
import re
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from secnet.errors import InvalidData, InvalidInput, SecnetError
from secnet.userfiles import check_directory, writing
from secnet.ingest.cow import arrow_to_pandas

ENV_VAR = "SECNET_PEACESCIENCER_DIR"

#: The data frames secnet reads, with their date columns.
TABLES: dict[str, tuple[str, ...]] = {
    "atop_alliance": (),
    "ccode_democracy": (),
    "cow_capitals": ("stdate", "enddate"),
    "cow_contdir": ("stdate", "enddate"),
    "cow_ddy": (),
    "cow_igo_ndy": (),
    "cow_igo_sy": (),
    "cow_majors": (),
    "cow_mindist": (),
    "cow_nmc": (),
    "cow_states": (),
    "gw_states": ("startdate", "enddate"),
}

_REPO_ROOT = Path(__file__).resolve().parents[3]
_RELATIVE = Path("..") / "shared" / "data" / "peacesciencer"

_cache: dict[tuple[str, str, float], pd.DataFrame] = {}
_lock = threading.Lock()


def peacesciencer_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding the peacesciencer CSV files.

    Raises :class:`SecnetError` naming every place that was tried when none
    of them is a directory with ``cow_states.csv.gz`` in it.
    """
    if data_dir is not None:
        candidates = [Path(data_dir)]
    elif os.environ.get(ENV_VAR):
        candidates = [Path(os.environ[ENV_VAR])]
    else:
        candidates = [_REPO_ROOT / _RELATIVE, Path.cwd() / _RELATIVE]
    for path in candidates:
        if (path / "cow_states.csv.gz").is_file():
            return path.resolve()
    tried = ", ".join(str(p) for p in dict.fromkeys(candidates))
    raise SecnetError(
        f"peacesciencer data not found (tried {tried}); set {ENV_VAR} to the directory "
        "that holds cow_states.csv.gz and the other peacesciencer .csv.gz files"
    )


def read_peacesciencer(name: str, data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One peacesciencer data frame (``"cow_ddy"``, ``"atop_alliance"``...) as pandas.

    >>> read_peacesciencer("cow_majors").columns.tolist()[:3]  # doctest: +SKIP
    ['ccode', 'styear', 'stmonth']
    """
    if name not in TABLES:
        raise SecnetError(f"unknown peacesciencer table '{name}'; known: {', '.join(sorted(TABLES))}")
    path = peacesciencer_dir(data_dir) / f"{name}.csv.gz"
    if not path.is_file():
        raise SecnetError(f"peacesciencer table {name} is missing: {path} does not exist")
    key = (name, str(path), path.stat().st_mtime)
    with _lock:
        table = _cache.get(key)
        if table is None:
            table = _read_csv(path, TABLES[name])
            _cache[key] = table
    return table.copy(deep=False)


def clear_cache() -> None:
    """Forget every parsed table (tests; a changed data directory)."""
    with _lock:
        _cache.clear()


def _read_csv(path: Path, date_columns: tuple[str, ...]) -> pd.DataFrame:
    types = {c: pa.date32() for c in date_columns}
    try:
        arrow = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidData(f"{path}: not a readable CSV file: {exc}") from exc
    return arrow_to_pandas(arrow)


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path :func:`write_table` could not write (type, directory) before any work is done."""
    path = Path(path)
    if not path.name.lower().endswith((".parquet", ".csv", ".csv.gz", ".dta", ".feather")):
        raise InvalidInput(f"--to {path}: write .csv, .csv.gz, .parquet, .dta or .feather")
    check_directory(path.parent, f"--to {path}")
    return path


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a panel or similarity table; the format follows the file name.

    ``.parquet``; ``.csv`` or ``.csv.gz`` (missing values as empty fields, as
    in the peacesciencer files); ``.dta`` (Stata); ``.feather``. Returns the
    path written.
    """
    path = check_target(path)
    name = path.name.lower()
    with writing([path], f"--to {path}") as (temp,):
        if name.endswith(".parquet"):
            frame.to_parquet(temp, index=False)
        elif name.endswith((".csv", ".csv.gz")):
            table = pa.Table.from_pandas(frame, preserve_index=False)
            plain = all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", str(c)) for c in frame.columns)
            options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none" if plain else "needed")
            if name.endswith(".gz"):
                with gzip.open(temp, "wb", compresslevel=6) as sink:
                    pacsv.write_csv(table, sink, write_options=options)
            else:
                pacsv.write_csv(table, str(temp), write_options=options)
        elif name.endswith(".dta"):
            frame.to_stata(temp, write_index=False, version=118)
        else:
            frame.reset_index(drop=True).to_feather(temp)
    return path
