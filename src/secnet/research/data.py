"""Locate and read the peacesciencer data files that the research panels use.

The files are the data frames of the R package peacesciencer (Miller 2022,
*Conflict Management and Peace Science* 39(6): 755-779), converted to gzip CSV,
one file per data frame, file name = R object name (``cow_states.csv.gz``...).
They are not shipped with secnet: the directory that holds them is

1. the ``data_dir`` argument, when given;
2. else the environment variable ``SECNET_PEACESCIENCER_DIR``;
3. else ``../shared/data/peacesciencer`` next to the repository root, or next
   to the current working directory.

The first use of a table converts it to a columnar file in the user cache
directory (:mod:`secnet.research.cache`); later processes memory-map that file.
Within a process each table is read once and kept; every call returns a
shallow copy, so a caller that changes its copy (pandas
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
from secnet.research.cache import cached_table
from secnet.research.readers.files import arrow_to_pandas
from secnet.userfiles import check_directory, writing

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


def reference_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory of the reference (peacesciencer) files: see :func:`peacesciencer_dir`."""
    return peacesciencer_dir(data_dir)


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
            table = arrow_to_pandas(cached_table(name, path, lambda source: _read_csv(source, TABLES[name])))
            _cache[key] = table
    return table.copy(deep=False)


def clear_cache() -> None:
    """Forget every parsed table (tests; a changed data directory)."""
    with _lock:
        _cache.clear()


def _read_csv(path: Path, date_columns: tuple[str, ...]) -> pa.Table:
    types = {c: pa.date32() for c in date_columns}
    try:
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidData(f"{path}: not a readable CSV file: {exc}") from exc


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path :func:`write_table` could not write (type, directory) before any work is done."""
    path = Path(path)
    if not path.name.lower().endswith((".parquet", ".csv", ".csv.gz", ".dta", ".feather")):
        raise InvalidInput(f"--to {path}: write .csv, .csv.gz, .parquet, .dta or .feather")
    check_directory(path.parent, f"--to {path}")
    return path


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A panel as an Arrow table, column by column without pandas' generic conversion.

    numpy columns are handed over without a copy; nullable integers keep their
    mask as Arrow nulls; anything else goes through ``pyarrow.array``.
    """
    arrays, names = [], []
    for name in frame.columns:
        values = frame[name].array
        if isinstance(values, pd.arrays.IntegerArray):
            mask = values._mask
            arrays.append(pa.array(values._data, mask=mask if mask.any() else None))
        elif isinstance(values, pd.arrays.NumpyExtensionArray) and values.dtype.numpy_dtype.kind in "iufb":
            arrays.append(pa.array(values.to_numpy()))
        else:
            arrays.append(pa.array(frame[name], from_pandas=True))
        names.append(str(name))
    table = pa.Table.from_arrays(arrays, names=names)
    # pandas' own metadata (from the empty frame: cheap) so that read_parquet gives back Int8, Int64...
    return table.replace_schema_metadata(pa.Schema.from_pandas(frame.iloc[:0], preserve_index=False).metadata)


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
            import pyarrow.parquet as pq

            pq.write_table(to_arrow(frame), temp)
        elif name.endswith((".csv", ".csv.gz")):
            table = to_arrow(frame)
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
            import pyarrow.feather as feather

            feather.write_feather(to_arrow(frame), str(temp))
    return path
