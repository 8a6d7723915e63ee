"""Read any research data file: CSV (optionally compressed), Stata, R data or Parquet.

Column names are matched case-insensitively; whole-number columns stay
integers (nullable when a value is missing). Problems are reported as
:class:`~secnet.errors.InvalidData` naming the file.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype

from secnet.errors import InvalidData, InvalidInput

PathLike = str | os.PathLike[str]

#: Columns of the COW IGO files that identify a row rather than an IGO.
IGO_ID_COLUMNS = frozenset(
    {"ccode", "ccode1", "ccode2", "year", "state", "state1", "state2", "stateabb", "dyadid", "version", "statenme"}
)
_CSV_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".tab", ".csv.bz2", ".csv.zst")


# ---------------------------------------------------------------------------
# any research data file


def read_data_file(path: PathLike, *, name: str | None = None, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A data file as a DataFrame with lower-case column names.

    CSV (comma or tab, optionally compressed), Stata ``.dta`` (value labels
    are not applied: codes stay numbers), R ``.rda``/``.RData`` (the data
    frame named ``name``, or the only one) and ``.rds``, Parquet. Integer
    columns with missing values become nullable ``Int64``.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    lower = path.name.lower()
    try:
        if lower.endswith(_CSV_SUFFIXES):
            table = _read_csv(path, lower.endswith((".tsv", ".tab")), columns)
        elif lower.endswith(".dta"):
            table = pd.read_stata(path, convert_categoricals=False, convert_missing=False)
        elif lower.endswith((".rda", ".rdata")):
            table = _read_rda(path, name)
        elif lower.endswith(".rds"):
            import rdata

            with _quiet_rdata():
                table = rdata.read_rds(path)
            if not isinstance(table, pd.DataFrame):
                raise InvalidData(f"{path}: the R object is a {type(table).__name__}, not a data frame")
        elif lower.endswith(".parquet"):
            table = pd.read_parquet(path)
        else:
            raise InvalidInput(f"{path}: unknown file type; use .csv, .csv.gz, .dta, .rda, .rds or .parquet")
    except (InvalidData, InvalidInput):
        raise
    except Exception as exc:  # every parser has its own errors; the user needs the file and the reason
        raise InvalidData(f"{path}: cannot be read: {exc}") from exc
    table = table.rename(columns=lambda c: str(c).strip().lower())
    if table.columns.duplicated().any():
        dup = table.columns[table.columns.duplicated()].tolist()
        raise InvalidData(f"{path}: duplicate column(s) {', '.join(dup)} (names are compared case-insensitively)")
    return _tidy(table.reset_index(drop=True))


def _read_csv(path: Path, tabs: bool, columns: Iterable[str] | None) -> pd.DataFrame:
    parse = pacsv.ParseOptions(delimiter="\t" if tabs else ",")
    convert = pacsv.ConvertOptions(
        include_columns=list(columns) if columns is not None else None,
        strings_can_be_null=True,
        null_values=["", "NA", "N/A", "NaN", "."],
    )
    arrow = pacsv.read_csv(path, parse_options=parse, convert_options=convert)
    if any(pa.types.is_binary(field.type) for field in arrow.schema):
        # Text that is not UTF-8 comes back as bytes: older COW files are
        # Latin-1 (state names with accents).
        read = pacsv.ReadOptions(encoding="latin-1")
        arrow = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    return arrow_to_pandas(arrow)


def arrow_to_pandas(arrow: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas: integers stay integers (nullable ``Int64`` when a
    value is missing), reals are float64, dates datetime64."""
    columns: dict[str, object] = {}
    for name, column in zip(arrow.column_names, arrow.columns, strict=True):
        kind = column.type
        if pa.types.is_integer(kind):
            values = column.to_numpy(zero_copy_only=False)
            if column.null_count:
                mask = column.is_null().to_numpy(zero_copy_only=False)
                data = np.where(mask, 0, values).astype(np.int64)
                columns[name] = pd.arrays.IntegerArray(data, mask)
            else:
                columns[name] = values.astype(np.int64, copy=False)
        elif pa.types.is_floating(kind):
            columns[name] = column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        elif pa.types.is_date(kind):
            columns[name] = pd.to_datetime(column.to_pandas(date_as_object=False))
        elif pa.types.is_null(kind):
            columns[name] = np.full(len(column), np.nan)
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns)


@contextlib.contextmanager
def _quiet_rdata():
    """rdata warns for every tibble class it reads as a plain data frame (expected, not news),
    and guesses aloud about files that are not R data at all (the error that follows says it)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Missing constructor for R class")
        warnings.filterwarnings("ignore", category=UserWarning, module=r"rdata(\.|$)")
        yield


def _read_rda(path: Path, name: str | None) -> pd.DataFrame:
    import rdata

    with _quiet_rdata():
        objects = rdata.read_rda(path)
    frames = {k: v for k, v in objects.items() if isinstance(v, pd.DataFrame)}
    if name is not None:
        if name not in frames:
            raise InvalidData(f"{path}: no data frame named '{name}' (it has: {', '.join(sorted(frames)) or 'none'})")
        return frames[name]
    if len(frames) != 1:
        raise InvalidData(
            f"{path}: holds {len(frames)} data frames ({', '.join(sorted(frames))}); say which with name="
        )
    return next(iter(frames.values()))


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns (Stata, R doubles) become integers, nullable if a value is missing."""
    out = {}
    for column in table.columns:
        values = table[column]
        if is_integer_dtype(values.dtype) or is_bool_dtype(values.dtype):
            values = values.astype("Int64") if values.isna().any() else values.astype(np.int64)
        elif is_float_dtype(values.dtype):
            values = values.astype(np.float64)
            finite = values.dropna()
            whole = len(finite) and np.isfinite(finite).all() and (finite == np.round(finite)).all()
            if whole and finite.abs().max() < 2**53:
                values = values.astype("Int64") if values.hasnans else values.astype(np.int64)
        out[column] = values
    return pd.DataFrame(out, index=table.index)


def _columns(table: pd.DataFrame, path: PathLike, what: str, required: Iterable[str]) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InvalidData(
            f"{path}: not a {what} file: missing column(s) {', '.join(missing)} "
            f"(it has {', '.join(map(str, table.columns[:12]))}{'...' if len(table.columns) > 12 else ''})"
        )


def _whole(table: pd.DataFrame, column: str, path: PathLike, *, allow_missing: bool = False) -> np.ndarray:
    values = table[column]
    if values.isna().any() and not allow_missing:
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise InvalidData(f"{path}: row {row + 2}: {column} is missing")
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna() & values.notna()
    if not bad.any():
        finite = numeric.dropna()
        # Whole, and within what an int64 holds (a 20-digit "year" is not a value, it is a typo).
        bad_whole = (finite != np.round(finite)) | (finite.abs() >= 2.0**62)
        if bad_whole.any():
            bad = pd.Series(False, index=values.index)
            bad[bad_whole[bad_whole].index] = True
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = values.iloc[row]
        shown = f"'{value}'" if isinstance(value, str) else f"{value.item() if hasattr(value, 'item') else value}"
        number = numeric.iloc[row]
        what = "is too large" if pd.notna(number) and abs(number) >= 2.0**62 else "is not a whole number"
        raise InvalidData(f"{path}: row {row + 2}: {column} {what} ({shown})")
    if allow_missing:
        return numeric.astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
    return numeric.to_numpy(np.int64)


def _flags(table: pd.DataFrame, column: str, path: PathLike) -> np.ndarray:
    """A 0/1 column; missing counts as 0 (as peacesciencer's ``sum(na.rm = TRUE)``)."""
    values = _whole(table, column, path, allow_missing=True)
    values = np.nan_to_num(values, nan=0.0)
    bad = (values != 0) & (values != 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidData(f"{path}: row {row + 2}: {column} must be 0 or 1, not {values[row]:g}")
    return values.astype(np.int64)
