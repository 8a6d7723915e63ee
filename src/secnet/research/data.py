"""Read the peacesciencer data files as pandas, and write panels and similarity tables.

Where the files are and how they are cached: :mod:`secnet.research.tables`
(which reads them as Arrow tables, without pandas). Within a process each
table is converted to pandas once and kept; every call returns a shallow
copy, so a caller that changes its copy (pandas copy-on-write) cannot change
what the next caller sees.

Missing values are empty CSV fields. A column whose values are all whole
numbers comes back as ``int64`` when it has no missing value and as pandas'
nullable ``Int64`` when it has one (``polity2``, ``milex``...), so an integer
never turns into a float on the way in. Date columns come back as
``datetime64``.

:func:`write_table` writes a panel or a similarity table as CSV (missing
values as empty fields, as in these files), Parquet, Stata or Feather.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa

from secnet.research.output import check_target, write_arrow
from secnet.research.readers.files import arrow_to_pandas
from secnet.research.tables import ENV_VAR, TABLES, clear_tables, peacesciencer_dir, reference_path, reference_table
from secnet.userfiles import writing

__all__ = ["ENV_VAR", "TABLES", "check_target", "clear_cache", "peacesciencer_dir", "read_peacesciencer",
           "reference_dir", "to_arrow", "write_table"]

_cache: dict[tuple[str, str, float], pd.DataFrame] = {}
_lock = threading.Lock()


def reference_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory of the reference (peacesciencer) files: see :func:`peacesciencer_dir`."""
    return peacesciencer_dir(data_dir)


def read_peacesciencer(name: str, data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One peacesciencer data frame (``"cow_ddy"``, ``"atop_alliance"``...) as pandas.

    >>> read_peacesciencer("cow_majors").columns.tolist()[:3]  # doctest: +SKIP
    ['ccode', 'styear', 'stmonth']
    """
    path = reference_path(name, data_dir)
    key = (name, str(path), path.stat().st_mtime)
    with _lock:
        table = _cache.get(key)
        if table is None:
            table = arrow_to_pandas(reference_table(name, data_dir))
            _cache[key] = table
    return table.copy(deep=False)


def clear_cache() -> None:
    """Forget every parsed table, Arrow and pandas (tests; a changed data directory)."""
    with _lock:
        _cache.clear()
    clear_tables()


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

    ``.parquet`` (row slices encoded on several threads, see
    :mod:`secnet.research.parquet`); ``.csv`` or ``.csv.gz`` (missing values as
    empty fields, as in the peacesciencer files); ``.dta`` (Stata);
    ``.feather``. Returns the path written.
    """
    path = check_target(path)
    if not path.name.lower().endswith(".dta"):
        return write_arrow(to_arrow(frame), path)
    with writing([path], f"--to {path}") as (temp,):
        frame.to_stata(temp, write_index=False, version=118)
    return path
