"""The reference tables as Arrow tables and their columns as numpy arrays, without pandas.

The reference data are the data frames of the R package peacesciencer (Miller
2022, *Conflict Management and Peace Science* 39(6): 755-779), converted to
gzip CSV, one file per data frame, file name = R object name
(``cow_states.csv.gz``...). They are not shipped with secnet: the directory
that holds them is

1. the ``data_dir`` argument, when given;
2. else the environment variable ``SECNET_PEACESCIENCER_DIR``;
3. else ``../shared/data/peacesciencer`` next to the repository root, or next
   to the current working directory.

:func:`reference_table` returns one of them as a ``pyarrow.Table``, through
the columnar cache (:mod:`secnet.research.cache`: the first use converts the
CSV, later processes memory-map the Arrow file); within a process each table
is read once and kept. :func:`column` reads a column of an Arrow table or of a
pandas DataFrame as numpy, so the joins of the panels work on either: the
command line builds panels from Arrow tables and never imports pandas
(about 0.3 s), the Python API hands pandas frames to the same code.

A column of whole numbers is ``int64``; one with missing values is a
:class:`Masked` pair (values, mask), as pandas' nullable ``Int64`` holds it;
reals are ``float64`` with NaN for missing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from secnet.errors import InvalidData, SecnetError
from secnet.research.cache import cached_table

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

_tables: dict[tuple[str, str, float], pa.Table] = {}
_lock = threading.Lock()


class Masked(NamedTuple):
    """Whole numbers with missing values: ``data`` (0 where missing) and ``mask`` (True = missing)."""

    data: np.ndarray
    mask: np.ndarray


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


def reference_path(name: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The CSV.gz file of the reference table ``name``; an unknown or missing table is an error."""
    if name not in TABLES:
        raise SecnetError(f"unknown peacesciencer table '{name}'; known: {', '.join(sorted(TABLES))}")
    path = peacesciencer_dir(data_dir) / f"{name}.csv.gz"
    if not path.is_file():
        raise SecnetError(f"peacesciencer table {name} is missing: {path} does not exist")
    return path


def reference_table(name: str, data_dir: str | os.PathLike[str] | None = None) -> pa.Table:
    """One peacesciencer data frame (``"cow_nmc"``, ``"atop_alliance"``...) as an Arrow table (read-only)."""
    path = reference_path(name, data_dir)
    key = (name, str(path), path.stat().st_mtime)
    with _lock:
        table = _tables.get(key)
        if table is None:
            table = cached_table(name, path, lambda source: read_csv(source, TABLES[name]))
            _tables[key] = table
    return table


def clear_tables() -> None:
    """Forget every table read in this process (tests; a changed data directory)."""
    with _lock:
        _tables.clear()


def read_csv(path: Path, date_columns: tuple[str, ...] = ()) -> pa.Table:
    """A reference CSV file as Arrow (pyarrow's multi-threaded reader), ``date_columns`` as dates."""
    import pyarrow.csv as pacsv

    types = {c: pa.date32() for c in date_columns}
    try:
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidData(f"{path}: not a readable CSV file: {exc}") from exc


def column_names(table: Any) -> list[str]:
    """The column names of an Arrow table or a pandas DataFrame."""
    if isinstance(table, pa.Table):
        return list(table.column_names)
    return [str(c) for c in table.columns]


def require(table: Any, columns, what: str) -> None:
    """Refuse a table that lacks any of ``columns``; ``what`` names it in the message."""
    have = set(column_names(table))
    missing = [c for c in columns if c not in have]
    if missing:
        raise InvalidData(f"{what}: missing column(s) {', '.join(missing)}")


def column(table: Any, name: str) -> np.ndarray | Masked:
    """Column ``name`` of an Arrow table or a pandas DataFrame as numpy.

    Whole numbers come back as ``int64`` (a :class:`Masked` pair where a value
    is missing), reals as ``float64`` with NaN, anything else as numpy would
    hold it (dates as ``datetime64``, text as objects).
    """
    if isinstance(table, pa.Table):
        return arrow_column(table.column(name))
    series = table[name]
    values = series.array
    data = getattr(values, "_data", None)
    mask = getattr(values, "_mask", None)
    if data is not None and mask is not None and data.dtype.kind in "iu":  # pandas' nullable integers
        return Masked(data, mask) if mask.any() else data
    return np.asarray(series)


#: Arrow types read straight from their buffers, with their numpy type.
_FIXED = {pa.int8(): np.int8, pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64,
          pa.uint8(): np.uint8, pa.uint16(): np.uint16, pa.uint32(): np.uint32, pa.uint64(): np.uint64,
          pa.float32(): np.float32, pa.float64(): np.float64, pa.date32(): np.int32}


def arrow_column(values: pa.ChunkedArray | pa.Array) -> np.ndarray | Masked:
    """An Arrow column as numpy (see :func:`column`), read from its buffers.

    pyarrow's own ``to_numpy`` and ``pa.array`` import pandas (0.3 s) to check
    for pandas types; reading and building the buffers directly does not.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.chunk(0) if values.num_chunks == 1 else pa.concat_arrays(values.chunks) \
            if values.num_chunks else pa.array(np.zeros(0), type=values.type)
    kind = values.type
    n = len(values)
    if pa.types.is_null(kind):
        return np.full(n, np.nan)
    if kind not in _FIXED:
        return np.array(values.to_pylist(), dtype=object)
    validity, data = values.buffers()[:2]
    width = np.dtype(_FIXED[kind])
    array = np.frombuffer(data, dtype=width, count=n, offset=values.offset * width.itemsize) if n else \
        np.zeros(0, dtype=width)
    missing = None
    if values.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        missing = ~bits[values.offset : values.offset + n].astype(bool)
    if pa.types.is_date32(kind):
        days = array.astype("datetime64[D]")
        if missing is not None:
            days[missing] = np.datetime64("NaT")
        return days
    if width.kind == "f":
        array = array.astype(np.float64, copy=False)
        if missing is not None:
            array = np.where(missing, np.nan, array)
        return array
    array = array.astype(np.int64, copy=False)
    if missing is not None:
        return Masked(np.where(missing, 0, array), missing)
    return array


def arrow_array(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """A numpy array (integers or reals) as an Arrow array, ``missing`` as nulls; no copy of the values."""
    values = np.ascontiguousarray(values)
    kind = pa.from_numpy_dtype(values.dtype)
    validity, nulls = None, 0
    if missing is not None and missing.any():
        nulls = int(missing.sum())
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
    return pa.Array.from_buffers(kind, values.size, [validity, pa.py_buffer(values)], null_count=nulls)


def whole_numbers(table: Any, name: str, what: str) -> np.ndarray:
    """Column ``name`` as ``int64``, refusing missing values and values that are not numbers."""
    if not isinstance(table, pa.Table) and table[name].hasnans:
        raise InvalidData(f"{what}: has missing values")
    values = column(table, name)
    if isinstance(values, Masked):
        raise InvalidData(f"{what}: has missing values")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise InvalidData(f"{what}: has missing values")
    try:
        return np.asarray(values, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"{what}: not whole numbers") from exc


def arrow_table(columns: dict[str, np.ndarray | Masked]) -> pa.Table:
    """Numpy columns as an Arrow table that pandas reads back as the panel it stands for.

    A :class:`Masked` pair becomes an Arrow column with nulls, read by pandas
    as a nullable integer (``Int8``, ``Int64``); other arrays are handed over
    without a copy. The schema carries the metadata pandas itself would
    write for that frame (``pyarrow.Schema.from_pandas``), built here without
    importing pandas.
    """
    arrays, described = [], []
    for name, values in columns.items():
        if isinstance(values, Masked):
            arrays.append(arrow_array(values.data, values.mask))
            kind = values.data.dtype.name
            numpy_type = kind.capitalize()  # Int8, Int64: pandas' nullable integers
        else:
            arrays.append(arrow_array(values))
            kind = numpy_type = values.dtype.name
        if kind not in ("int8", "int16", "int32", "int64", "float64"):
            raise TypeError(f"arrow_table: column {name} has type {kind}")
        described.append({"name": name, "field_name": name, "pandas_type": kind, "numpy_type": numpy_type,
                          "metadata": None})
    table = pa.Table.from_arrays(arrays, names=list(columns))
    return table.replace_schema_metadata({b"pandas": _pandas_metadata(described)})


def _pandas_metadata(columns: list[dict[str, Any]]) -> bytes:
    import json

    meta: dict[str, Any] = {"index_columns": [], "column_indexes": [], "columns": columns, "attributes": {},
                            "creator": {"library": "pyarrow", "version": pa.__version__}}
    version = _pandas_version()
    if version:
        meta["pandas_version"] = version
    return json.dumps(meta).encode("utf8")


def _pandas_version() -> str | None:
    """The installed pandas' version, read from its dist-info folder (importing pandas takes 0.3 s)."""
    import importlib.util

    spec = importlib.util.find_spec("pandas")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(site.glob("pandas-*.dist-info"))
    return found[-1].name[len("pandas-"):-len(".dist-info")] if len(found) == 1 else None
