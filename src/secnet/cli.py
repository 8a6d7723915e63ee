"""The ``secnet`` command line: thin commands over the library.

Every command takes ``--format table|json|csv`` and ``--db URL``. Bad input
ends in one line on stderr (``secnet: error: ...``) and exit code 2; a dataset
that fails validation prints every problem, one per line.

This module is the entry point and stays light: it holds the output helpers
and runs ``secnet panel`` and ``secnet similarity`` for the reference data
itself (numpy and pyarrow only, :mod:`secnet.research.chain`), because a
researcher runs them in loops and pandas, Typer and pydantic together cost
about 0.4 s before any work. Everything else, and any research command it
does not fully understand (``--help``, an unknown option, ``--add secnet``,
``--source cow``, a ``.dta`` file...), goes to the Typer application in
:mod:`secnet.cli_app`, which gives the same answers and the same errors.
"""

from __future__ import annotations

import enum
import os
import sys
from typing import Any

from .errors import InvalidData, SecnetError


class Fmt(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


# --- output ------------------------------------------------------------------------------


def shown(value: str) -> str:
    from .model.dates import shown as _shown

    return _shown(value)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(_cell(x) for x in v)
    if isinstance(v, str):
        return shown(v) if v.startswith("[") else v  # a "[..2014]" date reads "by 2014"
    return str(v)


def emit(data: Any, fmt: Fmt, columns: list[str] | None = None, title: str | None = None) -> None:
    """Print rows (a list of dicts) or one record (a dict) as a table, JSON or CSV."""
    if fmt is Fmt.json:
        import json

        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return
    rows = data if isinstance(data, list) else [{"field": k, "value": _cell(v)} for k, v in data.items()]
    if columns is None:
        columns = list(rows[0]) if rows else (["field", "value"] if isinstance(data, dict) else [])
    if fmt is Fmt.csv:
        import csv
        import io

        if "start" in columns and "start_precision" not in columns and any("start_precision" in r for r in rows):
            at = columns.index("end" if "end" in columns else "start") + 1  # "[..2014]" is precision not_after
            columns = [*columns[:at], "start_precision", *columns[at:]]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: ";".join(map(str, r.get(c))) if isinstance(r.get(c), list) else r.get(c) for c in columns})
        sys.stdout.write(buf.getvalue())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in columns))
    Console(width=max(100, Console().width)).print(table)


def report_written(command: str, path: Any, rows: int, columns: list[str], fmt: Fmt) -> None:
    """What ``secnet panel`` and ``secnet similarity`` wrote: a sentence, or the record as JSON or CSV.

    The sentence needs no table library: these commands run in researchers' loops, where
    Rich's import (about 20 ms) would be a tenth of the command.
    """
    if fmt is not Fmt.table:
        emit({"file": str(path), "rows": rows, "columns": ", ".join(columns)}, fmt, title=f"{command} written")
        return
    print(f"{command} written to {_printable(str(path))}: {rows:,} rows, {len(columns)} columns")
    print(f"columns: {_printable(', '.join(columns))}")


def progress_bar(label: str):
    """A Rich progress bar on stderr, and the callback the research engine reports to.

    Only on a terminal: elsewhere (a log, a pipe, a test) the bar would leave an empty
    line on stderr, ahead of an error message that must be one line.
    """
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext(), lambda *args: None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(label + " {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task("", total=None)

    def update(*args) -> None:
        step, done, total = args if len(args) == 3 else ("", *args)
        bar.update(task, description=str(step), completed=done, total=total)

    return bar, update


# --- panel and similarity from the reference data, without Typer, pydantic or pandas ----------

_COMMON = {"--to": "to", "--years": "years", "--data-dir": "data_dir", "--db": "db", "--format": "fmt", "-f": "fmt"}
_OPTIONS = {
    "panel": {**_COMMON, "--system": "system", "--add": "add"},
    "similarity": {**_COMMON, "--measure": "measure", "--source": "source", "--file": "file"},
}
_FLAGS = {"panel": {"--directed": ("directed", True), "--non-directed": ("directed", False)}, "similarity": {}}
#: The defaults of ``secnet panel`` and ``secnet similarity``, read by this light path and by the
#: Typer commands in :mod:`secnet.cli_research` alike.
RESEARCH_DEFAULTS = {
    "panel": {"system": "cow", "directed": True, "add": "atop,igos,democracy,nmc", "years": None, "data_dir": None},
    "similarity": {"measure": "taub,s,kappa,pi", "source": "atop", "file": None, "years": None, "data_dir": None},
}


def _parse(command: str, args: list[str]) -> dict[str, Any] | None:
    """The options of ``secnet panel|similarity`` as Typer would read them, or None if anything is unusual."""
    options, flags = _OPTIONS[command], _FLAGS[command]
    got: dict[str, Any] = dict(RESEARCH_DEFAULTS[command])
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in flags and not eq:
            key, flag = flags[name]
            got[key] = flag
        elif name in options:
            if not eq:
                if i + 1 >= len(args) or args[i + 1].startswith("-"):
                    return None
                i += 1
                value = args[i]
            got[options[name]] = value
        else:
            return None  # --help, a positional argument, an unknown option: Typer's business
        i += 1
    if "to" not in got or got.get("fmt", "table") not in ("table", "json", "csv"):
        return None
    if got["to"].lower().endswith(".dta"):
        return None  # Stata files are written from pandas
    return got


def _preload(target: str) -> None:
    """Import the Parquet writer on a thread while the main thread computes.

    About 20 ms of imports that would otherwise wait for the result;
    numpy's work on the main thread releases the GIL often enough for them to
    overlap. A later import of the same module waits for this one to finish.
    """
    import threading

    names = ["pyarrow.parquet"] if target.lower().endswith(".parquet") else []

    def load() -> None:
        import importlib

        for name in names:
            try:
                importlib.import_module(name)
            except ImportError:  # the main thread's own import reports it
                return

    if names:
        threading.Thread(target=load, name="secnet-preload", daemon=True).start()


def _reuse_freed_memory() -> None:
    """Ask glibc's allocator to keep freed blocks of up to 64 MB for reuse, for the rest of the process.

    A panel's row slices allocate and free about 300 MB of columns; by default
    glibc hands each freed block of over 128 KB back to the kernel, and the
    next slice's first write to every page waits for the kernel to map it
    again (about 35 ms of a 0.6 s panel here, ``benchmarks/RESULTS.md``).
    The process ends when the panel is written, so nothing is held longer.
    Elsewhere than glibc this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - a C library without mallopt
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    mallopt(m_mmap_threshold, 64 << 20)
    mallopt(m_trim_threshold, 1 << 30)


def _fast(args: list[str]) -> int | None:
    """Run ``secnet panel`` or ``secnet similarity`` on the reference data; None when Typer should run it."""
    if not args or args[0] not in _OPTIONS:
        return None
    got = _parse(args[0], args[1:])
    if got is None:
        return None
    if "numpy" not in sys.modules:
        # Panels use no BLAS and the similarity kernels hold it to one thread: OpenBLAS need not
        # start a thread per CPU when numpy loads (60 ms of the import here). A panel allocates and
        # frees a few hundred MB of short-lived arrays; backed by transparent huge pages they cost
        # the kernel more than they save (0.1-0.5 s of system time here; numpy's documented switch).
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    from .research.output import check_target

    check_target(got["to"])
    if args[0] == "panel":
        from .research import chain
        from .research.years import parse_years

        steps = chain.panel_steps(got["add"])
        if not chain.arrow_ready(got["system"], got["directed"], steps):
            return None
        parse_years(got["years"])
        _reuse_freed_memory()
        _preload(got["to"])
        bar, update = progress_bar("panel")
        if got["to"].lower().endswith(".parquet"):
            with bar:
                return _panel_by_slices(chain, steps, got, update)
        with bar:
            columns = chain.arrow_panel(got["system"], got["directed"], steps, got["years"],
                                        data_dir=got["data_dir"], progress=update)
    else:
        if got["source"].lower() != "atop" or got["file"] is not None:
            return None
        from .research.similarity_panel import similarity_columns
        from .research.tables import reference_table
        from .research.years import parse_years

        parse_years(got["years"])  # malformed years are refused before any data is looked for
        _preload(got["to"])
        alliances = reference_table("atop_alliance", got["data_dir"])
        bar, update = progress_bar("similarity")

        def compute(ready=None):
            return similarity_columns(alliances, measures=got["measure"], years=got["years"],
                                      data_dir=got["data_dir"], progress=update, ready=ready)

        if got["to"].lower().endswith(".parquet"):  # years are encoded as they are done
            from .research.output import write_parquet_streamed

            with bar:
                path, rows, names = write_parquet_streamed(compute, got["to"])
            report_written("similarity", path, rows, names, Fmt(got.get("fmt", "table")))
            return 0
        with bar:
            columns = compute()
    from .research.output import write_arrow
    from .research.tables import arrow_table

    table = arrow_table(columns)
    path = write_arrow(table, got["to"])
    report_written(args[0], path, table.num_rows, table.column_names, Fmt(got.get("fmt", "table")))
    return 0


def _panel_by_slices(chain, steps: list[str], got: dict[str, Any], update) -> int:
    """``secnet panel --to X.parquet``: row slices joined and encoded side by side, never the whole panel in memory."""
    from .research.output import write_parquet_slices

    rows, makers = chain.panel_slices(got["system"], got["directed"], steps, got["years"], data_dir=got["data_dir"],
                                      progress=update)
    path, names = write_parquet_slices(makers, got["to"])
    report_written("panel", path, rows, names, Fmt(got.get("fmt", "table")))
    return 0


# --- entry point -----------------------------------------------------------------------------


def _printable(text: str) -> str:
    """``text`` on one line with nothing the terminal would act on: newlines, tabs and other
    control characters (an ESC starts a colour or cursor sequence) are shown escaped, as in
    ``nato\\n``; a user's id or path is echoed in a message and must not split or repaint it."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _error(message: str) -> None:
    print(f"secnet: error: {_printable(message)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; bad input never ends in a traceback."""
    code, _ = _main(argv)
    return code


def _main(argv: list[str] | None) -> tuple[int, bool]:
    """(exit code, whether the light path ran the command)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _fast(args)
        if code is not None:
            return code, True
        from .cli_app import run_typer

        return run_typer(args), False
    except InvalidData as e:
        if len(e.problems) == 1:
            _error(e.problems[0])
            return 2, False
        for p in e.problems:
            print(_printable(p), file=sys.stderr)
        _error(f"{len(e.problems)} problems; nothing was loaded or changed")
        return 2, False
    except SecnetError as e:
        _error(str(e))
        return 2, False


def run() -> None:  # pragma: no cover - console-script shim
    code, light = _main(None)
    if light:
        # The command wrote and closed its file and printed its answer: flush, and leave
        # without the interpreter's teardown (freeing numpy and Arrow memory, joining idle
        # worker threads), which costs a researcher's loop tens of milliseconds per call.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
