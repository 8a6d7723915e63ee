"""The research commands: ``panel``, ``similarity``, ``check atop`` and ``cache``.

Thin wrappers over :mod:`secnet.research`. ``secnet panel`` and ``secnet
similarity`` on the reference data usually never get here: :mod:`secnet.cli`
runs them without Typer and pandas; these commands are the complete
versions (``--add secnet``, ``--source cow``, Stata output, ``--help``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from .cli import RESEARCH_DEFAULTS, Fmt, emit, progress_bar, report_written
from .cli_app import DbOpt, FormatOpt, _open, app

check_app = typer.Typer(help="Check the registry against independent research data.", no_args_is_help=True)
app.add_typer(check_app, name="check")


@check_app.command("atop")
def check_atop(db: DbOpt = None, fmt: FormatOpt = Fmt.table,
               data_dir: Annotated[str | None, typer.Option("--data-dir", help="peacesciencer data (default: ../shared/data/peacesciencer).")] = None,
               pledges: Annotated[bool, typer.Option("--pledges", help="Trace every ATOP defence pledge from an ally to a non-member (docs/atop-pledges.md).")] = False,
               years: Annotated[str | None, typer.Option("--years", help="With --pledges: a span of years (default 1949-2018).")] = None) -> None:
    """NATO co-membership per the registry against ATOP v5.1 defence pledges, 1949-2018 (--pledges: every pledge to a non-member)."""
    if pledges:
        from .research.pledge_trace import emit_trace

        return emit_trace(_open(db), years, data_dir, fmt, emit)
    from . import research

    rep = research.nato_atop_agreement(research.nato_member_years(_open(db)), data_dir=data_dir)
    emit({"years": f"{rep.years[0]}-{rep.years[1]}", "both_nato_dyad_years": rep.dyad_years,
          "atop_defense_1": rep.agreeing, "agreement": round(rep.share, 6), "disagreements": len(rep.disagreements)},
         fmt, title="NATO (secnet) vs ATOP v5.1 defence pledges")
    if len(rep.disagreements) and fmt is Fmt.table:
        emit(rep.disagreements.to_dict("records"), fmt, title="disagreements")


YearsOpt = Annotated[str | None, typer.Option("--years", help="Years: 1816-2025, 1990 or 1946-1989,2001 (default: all).")]
DataDirOpt = Annotated[str | None, typer.Option("--data-dir", help="peacesciencer data (default: ../shared/data/peacesciencer).")]
ToOpt = Annotated[str, typer.Option("--to", help="Output file: .parquet, .csv, .csv.gz, .dta or .feather.")]
PANEL, SIMILARITY = RESEARCH_DEFAULTS["panel"], RESEARCH_DEFAULTS["similarity"]


@app.command()
def panel(to: ToOpt, system: Annotated[str, typer.Option("--system", help="cow or gw.")] = PANEL["system"],
          directed: Annotated[bool, typer.Option("--directed/--non-directed", help="Each pair both ways, or once.")] = PANEL["directed"],
          add: Annotated[str, typer.Option("--add", help="Steps: atop,igos,democracy,nmc,contiguity,mindist,capital_distance,majors,secnet.")] = PANEL["add"],
          years: YearsOpt = None, data_dir: DataDirOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """A peacesciencer-style dyad-year panel (extended with secnet's registry through today)."""
    from . import research

    research.check_target(to)
    table = research.secnet_dyad_years(_open(db)) if "secnet" in add.lower() else None
    bar, update = progress_bar("panel")
    with bar:
        built = research.panel(system, directed, add, years, secnet=table, data_dir=data_dir, progress=update)
    path = built.write(to)
    report_written("panel", path, len(built), list(built.columns), fmt)


@app.command()
def similarity(to: ToOpt, measure: Annotated[str, typer.Option("--measure", help="taub, s, s_squared, s_weighted, kappa, pi.")] = SIMILARITY["measure"],
               source: Annotated[str, typer.Option("--source", help="atop, cow (give --file) or secnet.")] = SIMILARITY["source"],
               file: Annotated[str | None, typer.Option("--file", help="An official ATOP or COW dyad-year file.")] = None,
               years: YearsOpt = None, data_dir: DataDirOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Alliance-portfolio similarity per dyad-year: Kendall tau-b, Signorino-Ritter S, Cohen's kappa, Scott's pi."""
    from . import research

    research.check_target(to)
    table = research.secnet_dyad_years(_open(db)) if source.lower() == "secnet" else None
    bar, update = progress_bar("similarity")
    with bar:
        frame = research.similarity(source, measure, years, file=file, table=table, data_dir=data_dir, progress=update)
    path = research.write_table(frame, to)
    report_written("similarity", path, len(frame), list(frame.columns), fmt)


cache_app = typer.Typer(help="The reference-data cache: columnar copies of the research files (docs/research.md).",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """List the cached reference tables: rows, source, sizes, when built, fresh/stale/damaged."""
    from .research.cache import cache_info as info, reference_cache_dir

    rows = info()
    emit(rows, fmt, ["table", "rows", "source_bytes", "cache_bytes", "built", "state", "cache_file"],
         title=f"reference cache {reference_cache_dir()}: {len(rows)} tables")


@cache_app.command("clear")
def cache_clear(db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Delete the cached reference tables (they are rebuilt on next use)."""
    from . import research

    emit(research.clear_cache(), fmt, title="reference cache cleared")

