"""The ``secnet`` command line: thin commands over the library.

Every command takes ``--format table|json|csv`` and ``--db URL``. Bad input
ends in one line on stderr (``secnet: error: ...``) and exit code 2; a dataset
that fails validation prints every problem, one per line.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import sys
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.table import Table

from .errors import InvalidData, SecnetError


class _OnFirstUse:
    """A module imported on first attribute access, so that ``secnet --help`` loads no
    SQLAlchemy, pydantic, pandas or numpy (each command imports what it needs)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


reg = _OnFirstUse("secnet.registry")


def shown(value: str) -> str:
    from .model.dates import shown as _shown

    return _shown(value)

app = typer.Typer(
    name="secnet",
    help="Map, measure and design the security partnership networks around NATO.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Fmt(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL or SQLite path (default: $SECNET_DATABASE_URL or the user data dir).")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Date: YYYY-MM-DD, YYYY-MM or YYYY (default: today).")]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", help="A scenario file (YAML) applied in memory; see docs/scenarios.md.")]


# --- output ------------------------------------------------------------------------------


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(_cell(x) for x in v)
    return shown(v) if isinstance(v, str) else str(v)  # a "[..2014]" date reads "by 2014"


def emit(data: Any, fmt: Fmt, columns: list[str] | None = None, title: str | None = None) -> None:
    """Print rows (a list of dicts) or one record (a dict) as a table, JSON or CSV."""
    if fmt is Fmt.json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return
    rows = data if isinstance(data, list) else [{"field": k, "value": _cell(v)} for k, v in data.items()]
    if columns is None:
        columns = list(rows[0]) if rows else (["field", "value"] if isinstance(data, dict) else [])
    if fmt is Fmt.csv:
        if "start" in columns and "start_precision" not in columns and any("start_precision" in r for r in rows):
            at = columns.index("end" if "end" in columns else "start") + 1  # "[..2014]" is precision not_after
            columns = [*columns[:at], "start_precision", *columns[at:]]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: ";".join(map(str, r.get(c))) if isinstance(r.get(c), list) else r.get(c) for c in columns})
        typer.echo(buf.getvalue(), nl=False)
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in columns))
    Console(width=max(100, Console().width)).print(table)


PART_COLS = ["actor_id", "name", "role", "start", "end", "certain", "cow_code", "sources"]


def _lead(text: str) -> None:
    """The plain sentence a table-format answer opens with (secnet.findings.lead)."""
    Console(width=max(100, Console().width)).print(text, markup=False, highlight=False)
    typer.echo("")


def _say(line: str | None) -> None:
    """One explanatory line on stderr (why a result is empty or filtered), if there is one."""
    if line:
        typer.echo(f"note: {line}", err=True)


def _open(db: str | None, scenario: str | None = None) -> reg.Registry:
    r = reg.Registry.open(db)
    if scenario:
        from .design.scenarios import apply_scenario

        r = apply_scenario(r, scenario)
    return r


# --- commands ---------------------------------------------------------------------------------


@app.command()
def load(path: Annotated[str | None, typer.Argument(help="Dataset directory (default: the shipped dataset).")] = None,
         force: Annotated[bool, typer.Option("--force", help="Load even over team edits not yet dumped (discards them).")] = False,
         db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Validate a dataset and load it into the database, in one transaction.

    Refused (exit 2, nothing changed) while the database holds API edits made
    since the last load that no ``secnet dump`` has kept: dump them first, or
    give ``--force`` to discard them.
    """
    ds = reg.load(path, db=db, force=force)
    emit(_counts(ds), fmt, title="loaded")


@app.command()
def validate(path: Annotated[str | None, typer.Argument(help="Dataset directory (default: the shipped dataset).")] = None,
             db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Check a dataset against every rule; list all problems (exit 2) or print its counts."""
    from .ingest.dataset import load_dataset

    emit(_counts(load_dataset(path)), fmt, title="valid")


def _counts(ds) -> dict:
    return {"sources": len(ds.sources), "actors": len(ds.actors), "arrangements": len(ds.arrangements),
            "participations": len(ds.participations()),
            "obligations": sum(len(a.obligations) for a in ds.arrangements.values())}


@app.command()
def show(ident: Annotated[str, typer.Argument(metavar="ID", help="An actor or arrangement id.")],
         db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Show an actor or an arrangement."""
    from .describe import describe

    r = _open(db)
    emit(describe(r, ident), fmt)


@app.command()
def members(arrangement: Annotated[str, typer.Argument(metavar="ARR")], at: AtOpt = None,
            role: Annotated[str | None, typer.Option("--role", help="Exactly this role (default: every member-type role).")] = None,
            scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Members of an arrangement at a date."""
    from .partnership import members_view

    r = _open(db, scenario)
    rows, why = members_view(r, arrangement, at=at, role=role)
    _say(why)
    emit(rows, fmt, PART_COLS, title=f"{r.arrangement_id(arrangement)} {'in role ' + role if role else 'members'} at {reg.window(at).label}: {len(rows)}")


@app.command()
def partners(arrangement: Annotated[str, typer.Argument(metavar="ARR")], at: AtOpt = None,
             active: Annotated[bool, typer.Option("--active", help="Leave out partners whose cooperation is suspended.")] = False,
             scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Partners of an arrangement and its child frameworks at a date, by framework.

    Partners whose cooperation is suspended (role suspended) are listed too, as NATO counts them, with
    status suspended, suspended_since and suspended_sources; --active leaves them out.
    """
    from .partnership import partners_with_status, why_empty

    r = _open(db, scenario)
    rows = partners_with_status(r, arrangement, at=at, active=active)
    n = len({x["actor_id"] for x in rows})
    _say(None if rows else why_empty(r, "partners", arrangement, at))
    emit(rows, fmt, ["arrangement_id", *PART_COLS[:3], "status", "suspended_since", *PART_COLS[3:]], title=f"{r.arrangement_id(arrangement)} partners at {reg.window(at).label}: {n} actors")


@app.command()
def arrangements(actor: Annotated[str, typer.Argument(metavar="ACTOR")], at: AtOpt = None,
                 db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Every arrangement an actor takes part in at a date."""
    from .partnership import why_empty

    r = _open(db)
    rows = r.arrangements_of(actor, at=at)
    _say(None if rows else why_empty(r, "arrangements", actor, at))
    emit(rows, fmt, ["arrangement_id", "arrangement_name", "arrangement_kind", "role", "start", "end", "certain", "sources"],
         title=f"{r.actor_id(actor)} at {reg.window(at).label}: {len(rows)} participations")


@app.command()
def history(arrangement: Annotated[str, typer.Argument(metavar="ARR")], db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Founding, joins, exits and role changes of an arrangement, in date order."""
    from .partnership import why_empty

    r = _open(db)
    rows = r.history(arrangement)
    _say(None if rows else why_empty(r, "history", r.arrangement_id(arrangement)))
    emit(rows, fmt, ["date", "precision", "event", "actor_id", "name", "from_role", "role", "sources"])


@app.command()
def diff(arrangement: Annotated[str, typer.Argument(metavar="ARR", help="An arrangement id, or 'all'.")],
         from_: Annotated[str, typer.Option("--from", help="Earlier date.")],
         to: Annotated[str, typer.Option("--to", help="Later date.")],
         db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """What changed in an arrangement (or all of them) between two dates."""
    r = _open(db)
    rows = r.diff(None if arrangement == "all" else arrangement, from_, to)
    if not rows:
        from .partnership import why_empty

        _say(why_empty(r, "diff", None if arrangement == "all" else r.arrangement_id(arrangement), from_=from_, to=to))
    emit(rows, fmt, ["arrangement_id", "actor_id", "name", "change", "from_roles", "to_roles", "certain"])


@app.command()
def search(text: Annotated[str, typer.Argument(metavar="TEXT")], db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Find actors, arrangements and sources by id, name, alias or title."""
    r = _open(db)
    rows = r.search(text)
    if not rows:
        from .partnership import why_empty

        _say(why_empty(r, "search", text))
    emit(rows, fmt, ["type", "id", "name", "kind"])


@app.command()
def sources(ident: Annotated[str, typer.Argument(metavar="ID", help="A source, actor, arrangement, or ARR:ACTOR participation.")],
            db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The sources behind a fact."""
    emit(_open(db).sources_for(ident), fmt, ["fact", "source_id", "title", "publisher", "date", "url"])


class FindingsFmt(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command()
def findings(at: AtOpt = None,
             since: Annotated[str | None, typer.Option("--since", help="Count changes since this date (default: a year before --at).")] = None,
             question: Annotated[list[str] | None, typer.Option("--question", help="Only these: stocktaking, prioritisation, groupings, cohesion, back_door.")] = None,
             db: DbOpt = None,
             fmt: Annotated[FindingsFmt, typer.Option("--format", "-f", help="Output format.")] = FindingsFmt.table) -> None:
    """The five questions answered at a date, in plain sentences with their numbers, facts, method and caveats."""
    from . import findings as fnd

    items = fnd.findings(_open(db), at, since, tuple(_ids(question)) or fnd.QUESTIONS)
    if fmt is FindingsFmt.json:
        emit(items, Fmt.json)
    elif fmt is FindingsFmt.markdown:
        typer.echo(fnd.to_markdown(items))
    elif fmt is FindingsFmt.csv:
        emit(fnd.flat_rows(items), Fmt.csv)
    else:
        typer.echo(fnd.to_text(items, width=max(80, min(Console().width, 110))))


@app.command()
def overview(at: AtOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The state of NATO's partnerships at a date: members, partners by framework, formats."""
    from .reports.overview import overview as build, sections

    r = _open(db)
    data = build(r, at=at)
    if fmt is Fmt.json:
        emit(data, fmt)
        return
    if fmt is Fmt.csv:
        # One table: a row per member, partner and format, with the section it belongs to.
        rows = [{"section": "member", "id": m["actor_id"], "name": m["name"], "detail": "member", "since": m["member_since"]}
                for m in data["members"]]
        rows += [{"section": "partner", "id": p["actor_id"], "name": p["name"], "detail": p["framework"], "since": p["since"]}
                 for p in data["partners"]]
        rows += [{"section": "format", "id": f["id"], "name": f["name"], "detail": ";".join(f["members"]), "since": f["founded"]}
                 for f in data["formats"]]
        emit(rows, fmt, ["section", "id", "name", "detail", "since"])
        return
    from .findings import findings

    _lead(findings(r, at, questions=("stocktaking",))[0]["answer"])
    for section in sections(data):
        emit(section["rows"], fmt, section["columns"], title=section["title"])


@app.command()
def audit(at: AtOpt = None,
          from_: Annotated[int | None, typer.Option("--from", help="First year of a year-by-year audit.")] = None,
          to: Annotated[int | None, typer.Option("--to", help="Last year of a year-by-year audit.")] = None,
          scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The back-door audit: non-members holding a defence pledge from an ally through another arrangement."""
    from .analytics.coverage import audit_by_year, backdoor_audit

    r = _open(db, scenario)
    if from_ is not None or to is not None:
        rows = audit_by_year(r, 1949 if from_ is None else from_, reg.window(None).first.year if to is None else to)
        emit(rows, fmt, ["year", "n_covered", "added", "removed", "covered"])
        return
    rows = backdoor_audit(r, at)
    if not rows:
        from .partnership import why_empty

        _say(why_empty(r, "audit", at=at))
    if fmt is Fmt.table:
        from .findings.lead import audit_lead

        _lead(audit_lead(r, rows, at))
    emit(rows, fmt, ["actor_id", "name", "arrangement_id", "type", "binding", "n_allies", "since", "allies"],
         title=f"back-door audit at {reg.window(at).label}: {len({x['actor_id'] for x in rows})} non-members covered")


@app.command()
def coverage(actor: Annotated[str, typer.Argument(metavar="ACTOR")], at: AtOpt = None,
             scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Every pledge an actor receives at a date: type, binding or political, from whom, through what."""
    from .analytics.coverage import guarantee_coverage

    from .partnership import why_empty

    r = _open(db, scenario)
    rows = guarantee_coverage(r, actor, at=at)
    _say(None if rows else why_empty(r, "coverage", actor, at))
    emit(rows, fmt, ["arrangement_id", "type", "binding", "n_givers", "since", "givers"],
         title=f"pledges received by {r.actor_id(actor)} at {reg.window(at).label}")


@app.command()
def impact(fmt_id: Annotated[str | None, typer.Argument(metavar="FORMAT", help="A format id (omit with --all).")] = None,
           at: AtOpt = None, all_: Annotated[bool, typer.Option("--all", help="Rank every format.")] = False,
           scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """What a format does to the alliance: who is left out, cross-line ties, overlaps, cohesion change."""
    from .analytics.formats import format_impact, impact_all

    r = _open(db, scenario)
    if all_ or fmt_id is None:
        emit(impact_all(r, at), fmt, ["rank", "format", "relation", "n_members", "n_outside_nato", "n_allies_left_out",
                                      "n_new_cross_line_ties", "ei_change", "ei_weighted_change"])
        return
    x = format_impact(r, fmt_id, at)
    from .findings.lead import impact_lead

    x["summary"] = impact_lead(r, x, at)
    if fmt is not Fmt.table:
        emit(x if fmt is Fmt.json else x["cross_line_ties"], fmt)
        return
    _lead(x["summary"])
    emit({k: x[k] for k in ("format", "at", "members_in_nato", "members_outside_nato", "n_allies_left_out", "allies_left_out",
                            "cohesion_change")}, fmt, title=f"impact of {x['name']}")
    emit(x["cross_line_ties"], fmt, ["ally", "non_member", "only_via_format", "also_via"], title="cross-line ties")
    emit(x["overlaps"][:15], fmt, ["arrangement_id", "name", "jaccard"], title="overlap (Jaccard)")


@app.command()
def timeline(arrangement: Annotated[str, typer.Argument(metavar="ARR")], scenario: ScenarioOpt = None,
             db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Members and partners per year, and the events behind them."""
    from .analytics.timeline import timeline as build

    t = build(_open(db, scenario), arrangement)
    if fmt is Fmt.json:
        emit(t, fmt)
        return
    emit(t["counts"], fmt, ["year", "members", "partners"], title=None if fmt is Fmt.csv else f"{t['arrangement_id']} per year")


@app.command()
def network(at: AtOpt = None, seed: Annotated[int, typer.Option("--seed", help="Seed for community detection.")] = 0,
            actor_kind: Annotated[list[str] | None, typer.Option("--actor-kind", help="Keep only these actor kinds.")] = None,
            arrangement_kind: Annotated[list[str] | None, typer.Option("--arrangement-kind", help="Use only these arrangement kinds.")] = None,
            scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Centrality of every actor in the partnership network at a date, and its communities."""
    from .analytics import graph

    g = graph.actor_graph(_open(db, scenario), at, actor_kinds=actor_kind, arrangement_kinds=arrangement_kind)
    rows = graph.metrics(g)
    groups = graph.communities(g, seed=seed)
    community = {a: i for i, c in enumerate(groups, 1) for a in c}
    for x in rows:
        x["community"] = community.get(x["actor_id"])
    emit(rows, fmt, ["actor_id", "name", "degree", "weighted_degree", "betweenness", "eigenvector", "community"],
         title=f"network at {reg.window(at).label}: {g.number_of_nodes()} actors, {g.number_of_edges()} ties, {len(groups)} communities")


@app.command()
def export(to: Annotated[str, typer.Option("--to", help="Output file: .csv, .parquet, .json, .graphml or .gexf.")],
           at: AtOpt = None, graph: Annotated[str, typer.Option("--graph", help="actors or bipartite.")] = "actors",
           db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Export actors, arrangements, participations and the graph at a date."""
    from .analytics.export import export as run_export

    files = run_export(_open(db), at, to, graph=graph)
    emit([{"file": str(f)} for f in files], fmt)


@app.command()
def brief(at: AtOpt = None, out: Annotated[str, typer.Option("--out", help="Output directory.")] = "out",
          pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF (WeasyPrint).")] = False,
          db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Write the briefing (HTML, and PDF with --pdf) for a date."""
    from .reports.briefing import write_briefing

    files = write_briefing(_open(db), at, out, pdf=pdf)
    emit([{"file": str(f)} for f in files], fmt)


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


def _progress_bar(label: str):
    """A Rich progress bar on stderr, and the callback the research engine reports to.

    Only on a terminal: elsewhere (a log, a pipe, a test) the bar would leave an empty
    line on stderr, ahead of an error message that must be one line.
    """
    from contextlib import nullcontext

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    if not sys.stderr.isatty():
        return nullcontext(), lambda *args: None

    bar = Progress(TextColumn(label + " {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task("", total=None)

    def update(*args) -> None:
        step, done, total = args if len(args) == 3 else ("", *args)
        bar.update(task, description=str(step), completed=done, total=total)

    return bar, update


@app.command()
def panel(to: ToOpt, system: Annotated[str, typer.Option("--system", help="cow or gw.")] = "cow",
          directed: Annotated[bool, typer.Option("--directed/--non-directed", help="Each pair both ways, or once.")] = True,
          add: Annotated[str, typer.Option("--add", help="Steps: atop,igos,democracy,nmc,contiguity,mindist,capital_distance,majors,secnet.")] = "atop,igos,democracy,nmc",
          years: YearsOpt = None, data_dir: DataDirOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """A peacesciencer-style dyad-year panel (extended with secnet's registry through today)."""
    from . import research

    research.check_target(to)
    table = research.secnet_dyad_years(_open(db)) if "secnet" in add.lower() else None
    bar, update = _progress_bar("panel")
    with bar:
        built = research.panel(system, directed, add, years, secnet=table, data_dir=data_dir, progress=update)
    path = built.write(to)
    emit({"file": str(path), "rows": len(built), "columns": ", ".join(built.columns)}, fmt, title="panel written")


@app.command()
def similarity(to: ToOpt, measure: Annotated[str, typer.Option("--measure", help="taub, s, s_squared, s_weighted, kappa, pi.")] = "taub,s,kappa,pi",
               source: Annotated[str, typer.Option("--source", help="atop, cow (give --file) or secnet.")] = "atop",
               file: Annotated[str | None, typer.Option("--file", help="An official ATOP or COW dyad-year file.")] = None,
               years: YearsOpt = None, data_dir: DataDirOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Alliance-portfolio similarity per dyad-year: Kendall tau-b, Signorino-Ritter S, Cohen's kappa, Scott's pi."""
    from . import research

    research.check_target(to)
    table = research.secnet_dyad_years(_open(db)) if source.lower() == "secnet" else None
    bar, update = _progress_bar("similarity")
    with bar:
        frame = research.similarity(source, measure, years, file=file, table=table, data_dir=data_dir, progress=update)
    path = research.write_table(frame, to)
    emit({"file": str(path), "rows": len(frame), "columns": ", ".join(frame.columns)}, fmt, title="similarity written")


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


# --- design tools (issue 7) -------------------------------------------------------------------


def _ids(values: list[str] | None) -> list[str]:
    return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]


@app.command()
def prioritise(at: AtOpt = None,
               aim: Annotated[str, typer.Option("--aim", help="stability, capability (measured indicators, see docs/prioritisation.md), general, baltic, black_sea, southern_flank, indo_pacific, high_north, western_balkans, technology, cyber, resilience, climate or industry.")] = "general",
               weights: Annotated[str | None, typer.Option("--weights", help="Relative weights, e.g. region=3,capability=2 (default: the aim's preset); name=lo:hi bounds a share for --smaa.")] = None,
               method: Annotated[str, typer.Option("--method", help="weighted_sum or topsis.")] = "weighted_sum",
               actors: Annotated[list[str] | None, typer.Option("--actors", help="Actors to rank (default: NATO's partner states).")] = None,
               threat: Annotated[str | None, typer.Option("--threat", help="Threat state for threat_distance (default: the aim's; 'none' drops it).")] = None,
               criteria: Annotated[str | None, typer.Option("--criteria", help="CSV of extra criteria: actor_id, then name or name:cost columns.")] = None,
               smaa: Annotated[bool, typer.Option("--smaa", help="Rank acceptability over uncertain weights (SMAA-2): share_rank_1.. = share of weight draws giving that rank; expected_rank = mean rank over the draws; holistic_acceptability = rank shares weighted (n-r)/(n-1), 1 = always first; confidence = share of draws ranking it first at its central weights.")] = False,
               draws: Annotated[int | None, typer.Option("--draws", help="Weight draws for --smaa (default 10000; needs --smaa).")] = None,
               seed: Annotated[int | None, typer.Option("--seed", help="Seed for --smaa (default 0; needs --smaa).")] = None,
               uncertainty: Annotated[float | None, typer.Option("--uncertainty", help="Noise on criteria values for --smaa, as a share of each range (default 0; needs --smaa).")] = None,
               scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Rank partners for an aim on documented criteria (weighted sum or TOPSIS), or their rank acceptability (--smaa).

    Aims stability and capability use measured indicators only; each criterion's definition, source, unit and the data year used are printed under the ranking (and in docs/prioritisation.md).

    stability: land_border (0/1, land or river border with an ally; COW contiguity, to 2016); ally_distance (km to the nearest ally, a cost; CShapes via cow_mindist, to 2019); conflict_exposure (0/1, foreign forces stationed without consent per a NATO summit text; indicator file); aspiration (0/1, MAP, application or a summit text recognising a membership aim).

    capability: milex (thousand USD) and milper (thousand personnel), COW NMC v7.0, latest year up to --at; ops_personnel (personnel in NATO-led operations, each operation's largest figure up to --at, summed; indicator file); interoperability (share of PARP and OCC Evaluation and Feedback taken part in).

    The other aims also count registry rows (region, capability, frameworks, years): involvement, not strength.
    """
    from .design import prioritise as p

    given = [name for name, v in (("--draws", draws), ("--seed", seed), ("--uncertainty", uncertainty)) if v is not None]
    if given and not smaa:
        typer.echo(f"warning: {', '.join(given)} apply only with --smaa and are ignored (add --smaa to use them)", err=True)
    kw = dict(aim_name=aim, actors=_ids(actors) or None, threat=threat, weights=weights, method=method, extra=criteria)
    x = (p.acceptability(_open(db, scenario), at, draws=10_000 if draws is None else draws, seed=0 if seed is None else seed,
                         uncertainty=0.0 if uncertainty is None else uncertainty, **kw) if smaa
         else p.prioritise(_open(db, scenario), at, **kw))
    from .findings.lead import prioritise_lead

    x["summary"] = prioritise_lead(x, smaa)
    if fmt is Fmt.table:
        _lead(x["summary"])
    if fmt is Fmt.json:
        emit(x, fmt)
        return
    cols = (["actor_id", "name", "rank_at_weights", "share_rank_1", "share_rank_2", "share_rank_3", "expected_rank",
             "holistic_acceptability", "confidence"] if smaa
            else ["rank", "actor_id", "name", "score", *[c["criterion"] for c in x["criteria"] if c["weight"] is not None]])
    emit(x["rows"] if smaa else x["ranking"], fmt, cols, title=f"partners for {x['aim']} at {x['at']} ({x['method']}{', SMAA' if smaa else ''})")
    if fmt is Fmt.table:
        emit(x["criteria"], fmt, ["criterion", "direction", "weight", "unit", "data_years", "source", "description"], title="criteria")
        if smaa:
            typer.echo("columns: rank_at_weights = rank at the stated weights; share_rank_1..3 = share of weight draws "
                       "giving rank 1..3; expected_rank = mean rank over the draws; holistic_acceptability = rank shares "
                       "weighted (n-r)/(n-1), 1 = always first; confidence = share of draws ranking it first at its "
                       "central weights (see docs/prioritisation.md)", err=True)
        for note in x["notes"]:
            typer.echo(f"note: {note}", err=True)


@app.command()
def group(need: Annotated[str, typer.Argument(metavar="NEED", help="Capabilities and minimum providers, e.g. cyber=3,maritime=2,space.")],
          at: AtOpt = None,
          include: Annotated[list[str] | None, typer.Option("--include", help="Actors that must be in the group.")] = None,
          exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Actors that must not be.")] = None,
          max_size: Annotated[int | None, typer.Option("--max-size", help="At most this many actors.")] = None,
          framework_nation: Annotated[bool, typer.Option("--framework-nation", help="At least one framework or lead nation.")] = False,
          partners: Annotated[bool, typer.Option("--partners/--no-partners", help="Allow NATO partners.")] = True,
          organisations: Annotated[bool, typer.Option("--organisations/--no-organisations", help="Allow international organisations.")] = True,
          private: Annotated[bool, typer.Option("--private/--no-private", help="Allow private actors.")] = False,
          others: Annotated[bool, typer.Option("--others/--no-others", help="Allow states that are neither allies nor partners.")] = False,
          prefer_allies: Annotated[bool, typer.Option("--prefer-allies/--no-prefer-allies", help="Among equally cheap groups, fewest non-allies.")] = True,
          alternatives: Annotated[int, typer.Option("--alternatives", help="How many next-best groups.")] = 3,
          candidates: Annotated[str | None, typer.Option("--candidates", help="CSV: actor_id, capabilities (a;b), optional cost, status, framework.")] = None,
          scenario: ScenarioOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The cheapest group of actors that covers an issue's capabilities (exact integer program), with alternatives."""
    from .design.groupings import design_group

    r = _open(db, scenario)
    x = design_group(r, need, at, candidates=candidates, allow_partners=partners, allow_organisations=organisations,
                     allow_private=private, allow_others=others, prefer_allies=prefer_allies, must_include=_ids(include),
                     exclude=_ids(exclude), max_size=max_size, framework_nation=framework_nation, alternatives=alternatives)
    if not x["alternatives"]:
        from .partnership import why_empty

        _say(why_empty(None, "alternatives"))
    from .findings.lead import group_lead

    x["summary"] = group_lead(r, x)
    if fmt is not Fmt.table:
        emit(x if fmt is Fmt.json else x["group"], fmt)
        return
    _lead(x["summary"])
    emit(x["group"], fmt, ["actor_id", "name", "status", "framework_nation", "provides"], title=f"group at {x['at']}: {x['size']} actors, cost {x['cost']}")
    emit(x["alternatives"], fmt, ["rank", "members", "size", "cost", "n_non_allies", "instead_of", "adds"], title="next-best groups")
    emit(x["closest_formats"], fmt, ["arrangement_id", "name", "jaccard", "only_in_group", "only_in_format"], title="closest existing formats")


scenario_app = typer.Typer(help="Hypothetical accessions, exits and new formats over the real data (docs/scenarios.md).",
                           no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
COMPARE_SECTIONS = {
    "membership": ["arrangement_id", "actor_id", "name", "change", "baseline_roles", "scenario_roles"],
    "audit": ["actor_id", "name", "arrangement_id", "type", "binding", "change"],
    "formats": ["format", "change", "differs"],
    "priorities": ["actor_id", "name", "change", "baseline_rank", "scenario_rank"],
}


@scenario_app.command("compare")
def scenario_compare(file: Annotated[str, typer.Argument(metavar="FILE", help="The scenario (YAML).")], at: AtOpt = None,
                     aim: Annotated[str, typer.Option("--aim", help="The aim for the priority comparison.")] = "general",
                     db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """What a scenario changes at a date: memberships, the back-door audit, format impact, partner priorities."""
    from .design.scenarios import compare

    x = compare(_open(db), file, at, aim_name=aim)
    if fmt is Fmt.json:
        emit(x, fmt)
        return
    for key, cols in COMPARE_SECTIONS.items():
        emit(x[key], fmt, cols, title=None if fmt is Fmt.csv else f"{x['scenario']} vs baseline at {x['at']}: {key}")


# --- team server (issue 8) ------------------------------------------------------------------------


@app.command()
def serve(host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
          access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request.")] = True,
          max_body: Annotated[str | None, typer.Option("--max-body", help="Largest request body, e.g. 1MiB or 262144 "
                                                       "(default: $SECNET_MAX_BODY, else 1MiB); larger ones get 413.")] = None,
          db: DbOpt = None) -> None:
    """Run the REST API (/api/v1, docs at /docs) and the dashboard under uvicorn."""
    from .api.app import serve as run_server
    from .api.limits import max_body as body_limit

    run_server(db, host=host, port=port, access_log=access_log, max_body=body_limit(max_body))


token_app = typer.Typer(help="API tokens for writes: editors edit data, admins also delete whole records.", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _engine(db: str | None):
    from . import store

    return store.connect(db)


@token_app.command("create")
def token_create(name: Annotated[str, typer.Argument(metavar="NAME", help="Who holds it (recorded in the edit log).")],
                 role: Annotated[str, typer.Option("--role", help="editor or admin.")] = "editor", db: DbOpt = None) -> None:
    """Create a token and print it (the only time it is shown; only its hash is stored)."""
    from .api.auth import create_token

    typer.echo(create_token(_engine(db), name, role))


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(metavar="NAME")], db: DbOpt = None) -> None:
    """Revoke a token: its next request gets 401."""
    from .api.auth import revoke_token

    revoke_token(_engine(db), name)
    typer.echo(f"revoked {name}", err=True)


@token_app.command("list")
def token_list(db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Every token's name, role, creation and revocation time."""
    from .api.auth import list_tokens

    emit(list_tokens(_engine(db)), fmt, ["name", "role", "created_at", "revoked_at"])


@app.command()
def dump(directory: Annotated[str, typer.Argument(metavar="DIR", help="A new (or empty) directory.")] = "dump",
         db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Write the database back to the YAML layout (sources.yaml, actors/, arrangements/), e.g. after team edits."""
    from . import store
    from .store.dump import dump_dataset

    engine = _engine(db)
    version = store.data_version(engine)  # read first: an edit committed meanwhile stays unkept, never the reverse
    ds = store.read_dataset(engine)
    files = dump_dataset(ds, directory, origin=store.get_meta(engine).get("origin", ""))
    store.mark_dumped(engine, version)
    emit({**_counts(ds), "directory": directory, "files": len(files)}, fmt, title="dumped")


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
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="secnet", standalone_mode=False)
    except InvalidData as e:
        if len(e.problems) == 1:
            _error(e.problems[0])
            return 2
        for p in e.problems:
            print(_printable(p), file=sys.stderr)
        _error(f"{len(e.problems)} problems; nothing was loaded or changed")
        return 2
    except SecnetError as e:
        _error(str(e))
        return 2
    except (typer.Exit, click.exceptions.Exit) as e:
        return e.exit_code
    except (typer.Abort, click.Abort):
        print("secnet: aborted", file=sys.stderr)
        return 130
    except (typer.TyperException, click.ClickException) as e:
        # Usage errors: unknown option, bad choice, missing argument. (Typer >= 0.2x vendors click.)
        message = (e.format_message() if hasattr(e, "format_message") else str(e)).replace("Value error, ", "")
        _error(message if message.strip() else "give a command (see the help above)")
        return 2
    return rv if isinstance(rv, int) else 0


def run() -> None:  # pragma: no cover - console-script shim
    sys.exit(main())
