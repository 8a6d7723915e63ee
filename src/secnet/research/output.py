"""Write a panel or similarity table held as Arrow, without pandas: Parquet, CSV or Feather.

Parquet is written by :func:`secnet.research.parquet.write_parquet` (row
slices encoded on several threads, one ordinary file); CSV by pyarrow, with
missing values as empty fields, as in the peacesciencer files. Every file is
written beside its target and renamed into place when complete
(:func:`secnet.userfiles.writing`), so a failure leaves nothing behind.
Stata (``.dta``) needs pandas: :func:`secnet.research.data.write_table`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from secnet.errors import InvalidInput
from secnet.userfiles import check_directory, writing

#: The file types ``--to`` takes.
SUFFIXES = (".parquet", ".csv", ".csv.gz", ".dta", ".feather")


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path that could not be written (type, directory) before any work is done."""
    path = Path(path)
    if not path.name.lower().endswith(SUFFIXES):
        raise InvalidInput(f"--to {path}: write .csv, .csv.gz, .parquet, .dta or .feather")
    check_directory(path.parent, f"--to {path}")
    return path


def write_arrow(table, path: str | os.PathLike[str]) -> Path:
    """Write an Arrow table as ``.parquet``, ``.csv``, ``.csv.gz`` or ``.feather`` (by its name); returns the path."""
    path = check_target(path)
    name = path.name.lower()
    if name.endswith(".dta"):
        raise InvalidInput(f"--to {path}: Stata files are written from pandas (secnet.research.data.write_table)")
    with writing([path], f"--to {path}") as (temp,):
        if name.endswith(".parquet"):
            from secnet.research.parquet import write_parquet

            write_parquet(table, temp)
        elif name.endswith((".csv", ".csv.gz")):
            _write_csv(table, temp, compress=name.endswith(".gz"))
        else:
            import pyarrow.feather as feather

            feather.write_feather(table, str(temp))
    return path


def write_parquet_slices(slices, path: str | os.PathLike[str]) -> Path:
    """Write the Arrow tables the functions ``slices`` make as one Parquet file (see
    :func:`secnet.research.parquet.write_parquet_slices`); returns the path."""
    from secnet.research.parquet import write_parquet_slices as write

    path = check_target(path)
    if not path.name.lower().endswith(".parquet"):
        raise InvalidInput(f"--to {path}: slices are written as Parquet only")
    with writing([path], f"--to {path}") as (temp,):
        write(slices, temp)
    return path


def _write_csv(table, temp: Path, *, compress: bool) -> None:
    import pyarrow.csv as pacsv

    plain = all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", str(c)) for c in table.column_names)
    options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none" if plain else "needed")
    if compress:
        import gzip

        with gzip.open(temp, "wb", compresslevel=6) as sink:
            pacsv.write_csv(table, sink, write_options=options)
    else:
        pacsv.write_csv(table, str(temp), write_options=options)
