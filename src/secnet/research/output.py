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
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def write_parquet_slices(slices, path: str | os.PathLike[str]) -> tuple[Path, list[str]]:
    """Write what the functions ``slices`` make, numpy columns (as
    :func:`secnet.research.tables.arrow_table` takes) or Arrow tables, as one
    Parquet file (see :func:`secnet.research.parquet.write_parquet_slices`);
    returns the path and the column names."""
    from secnet.research.parquet import write_parquet_slices as write
    from secnet.research.tables import arrow_table

    path = check_target(path)
    if not path.name.lower().endswith(".parquet"):
        raise InvalidInput(f"--to {path}: slices are written as Parquet only")
    names: list[str] = []

    def table(make):
        part = make()
        part = arrow_table(part) if isinstance(part, dict) else part
        names[:] = part.column_names
        return part

    with writing([path], f"--to {path}") as (temp,):
        write([lambda make=make: table(make) for make in slices], temp)
    return path, names


class _Abandoned(Exception):
    """The computation a streamed write was waiting for failed; its own error is raised instead."""


def write_parquet_streamed(produce: Callable[[Callable[[dict, int, int], None]], dict],
                           path: str | os.PathLike[str], *, slices: int = 4) -> tuple[Path, int, list[str]]:
    """Write the columns ``produce`` computes as Parquet, encoding row slices while it still computes.

    ``produce(ready)`` runs on the calling thread and returns the finished
    columns (numpy arrays of equal length, as
    :func:`secnet.research.tables.arrow_table` takes). It may call
    ``ready(columns, done, total)`` on the way, when rows ``[0, done)`` of
    those (already allocated) arrays are final; a second thread then encodes
    each of ``slices`` row slices as soon as its rows are final (see
    :func:`secnet.research.similarity_panel.similarity_columns`). If
    ``produce`` fails, nothing is written and its error is raised.

    Returns the path, the row count and the column names.
    """
    import threading

    path = check_target(path)
    if not path.name.lower().endswith(".parquet"):
        raise InvalidInput(f"--to {path}: streamed output is Parquet only")
    state: dict[str, Any] = {"columns": None, "done": 0, "total": None, "failed": False}
    changed = threading.Condition()

    def ready(columns: dict, done: int, total: int) -> None:
        with changed:
            state.update(columns=columns, done=done, total=total)
            changed.notify_all()

    def wait(until: Callable[[], bool]) -> None:
        with changed:
            changed.wait_for(lambda: state["failed"] or until())
            if state["failed"]:
                raise _Abandoned

    def part(start: int, stop: int) -> dict:
        wait(lambda: state["done"] >= stop)
        return {name: values[start:stop] for name, values in state["columns"].items()}

    outcome: list[Any] = []  # what the writer thread ended with: (path, names) or an error

    def write() -> None:
        try:
            wait(lambda: state["total"] is not None)
            total = state["total"]
            prefault(state["columns"].values())  # while the first rows are computed
            step = max(1, -(-total // max(1, slices)))
            bounds = list(range(0, total, step)) or [0]
            outcome.append(write_parquet_slices([lambda start=start: part(start, min(start + step, total))
                                                 for start in bounds], path))
        except BaseException as e:  # handed to the calling thread
            outcome.append(e)

    writer = threading.Thread(target=write, name="secnet-streamed-parquet", daemon=True)
    writer.start()
    try:
        columns = produce(ready)
        rows = len(next(iter(columns.values()))) if columns else 0
        ready(columns, rows, rows)
    except BaseException:
        with changed:
            state["failed"] = True
            changed.notify_all()
        writer.join()
        raise
    writer.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    written, names = outcome[0]
    return written, rows, names


#: Linux's ``madvise`` advice that maps pages writable without touching them (Linux 5.14).
_MADV_POPULATE_WRITE = 23


def prefault(arrays) -> None:
    """Map the memory of freshly allocated numpy ``arrays`` now, without changing it.

    The first write to each 4 KiB page of a new array stops the writer for
    the kernel to map the page (on this machine about 2.5 microseconds a
    page: 35 ms for the 56 MB of a tau-b panel). Called from a thread with
    nothing else to do, while another thread fills the arrays, it takes
    that work off the filling thread. ``madvise(MADV_POPULATE_WRITE)``
    leaves the contents alone, so the two threads may overlap. Elsewhere
    than Linux 5.14 or later it does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import mmap

    try:
        madvise = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):  # pragma: no cover - no C library to ask
        return
    madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    page = mmap.PAGESIZE
    for array in arrays:
        if not array.flags.c_contiguous:
            continue
        start = array.__array_interface__["data"][0]
        first, end = -(-start // page) * page, (start + array.nbytes) // page * page  # whole pages only
        if end > first and madvise(first, end - first, _MADV_POPULATE_WRITE) != 0:
            return  # an older kernel (EINVAL): nothing was changed


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
