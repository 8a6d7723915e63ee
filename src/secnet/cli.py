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

from . import registry as reg
from .errors import InvalidData, SecnetError

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


# --- output ------------------------------------------------------------------------------


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(_cell(x) for x in v)
    return str(v)


def emit(data: Any, fmt: Fmt, columns: list[str] | None = None, title: str | None = None) -> None:
    """Print rows (a list of dicts) or one record (a dict) as a table, JSON or CSV."""
    if fmt is Fmt.json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return
    rows = data if isinstance(data, list) else [{"field": k, "value": _cell(v)} for k, v in data.items()]
    if columns is None:
        columns = list(rows[0]) if rows else (["field", "value"] if isinstance(data, dict) else [])
    if fmt is Fmt.csv:
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


def _open(db: str | None) -> reg.Registry:
    return reg.Registry.open(db)


# --- commands ---------------------------------------------------------------------------------


@app.command()
def load(path: Annotated[str | None, typer.Argument(help="Dataset directory (default: the shipped dataset).")] = None,
         db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Validate a dataset and load it into the database, in one transaction."""
    ds = reg.load(path, db=db)
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
    r = _open(db)
    emit(reg.describe(r, ident), fmt)


@app.command()
def members(arrangement: Annotated[str, typer.Argument(metavar="ARR")], at: AtOpt = None,
            role: Annotated[str | None, typer.Option("--role", help="Exactly this role (default: every member-type role).")] = None,
            db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Members of an arrangement at a date."""
    r = _open(db)
    rows = r.members(arrangement, at=at, role=role)
    emit(rows, fmt, PART_COLS, title=f"{r.arrangement_id(arrangement)} members at {reg.window(at).label}: {len(rows)}")


@app.command()
def partners(arrangement: Annotated[str, typer.Argument(metavar="ARR")], at: AtOpt = None,
             db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Partners of an arrangement and its child frameworks at a date, by framework."""
    r = _open(db)
    rows = r.partners(arrangement, at=at)
    n = len({x["actor_id"] for x in rows})
    emit(rows, fmt, ["arrangement_id", *PART_COLS], title=f"{r.arrangement_id(arrangement)} partners at {reg.window(at).label}: {n} actors")


@app.command()
def arrangements(actor: Annotated[str, typer.Argument(metavar="ACTOR")], at: AtOpt = None,
                 db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Every arrangement an actor takes part in at a date."""
    r = _open(db)
    rows = r.arrangements_of(actor, at=at)
    emit(rows, fmt, ["arrangement_id", "arrangement_name", "arrangement_kind", "role", "start", "end", "certain", "sources"],
         title=f"{r.actor_id(actor)} at {reg.window(at).label}: {len(rows)} participations")


@app.command()
def history(arrangement: Annotated[str, typer.Argument(metavar="ARR")], db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Founding, joins, exits and role changes of an arrangement, in date order."""
    r = _open(db)
    emit(r.history(arrangement), fmt, ["date", "event", "actor_id", "name", "from_role", "role", "sources"])


@app.command()
def diff(arrangement: Annotated[str, typer.Argument(metavar="ARR", help="An arrangement id, or 'all'.")],
         from_: Annotated[str, typer.Option("--from", help="Earlier date.")],
         to: Annotated[str, typer.Option("--to", help="Later date.")],
         db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """What changed in an arrangement (or all of them) between two dates."""
    r = _open(db)
    rows = r.diff(None if arrangement == "all" else arrangement, from_, to)
    emit(rows, fmt, ["arrangement_id", "actor_id", "name", "change", "from_roles", "to_roles"])


@app.command()
def search(text: Annotated[str, typer.Argument(metavar="TEXT")], db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Find actors, arrangements and sources by id, name, alias or title."""
    emit(_open(db).search(text), fmt, ["type", "id", "name", "kind"])


@app.command()
def sources(ident: Annotated[str, typer.Argument(metavar="ID", help="A source, actor, arrangement, or ARR:ACTOR participation.")],
            db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The sources behind a fact."""
    emit(_open(db).sources_for(ident), fmt, ["fact", "source_id", "title", "publisher", "date", "url"])


@app.command()
def overview(at: AtOpt = None, db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The state of NATO's partnerships at a date: members, partners by framework, formats."""
    from .reports.overview import overview as build, sections

    data = build(_open(db), at=at)
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
    for section in sections(data):
        emit(section["rows"], fmt, section["columns"], title=section["title"])


@app.command()
def audit(at: AtOpt = None,
          from_: Annotated[int | None, typer.Option("--from", help="First year of a year-by-year audit.")] = None,
          to: Annotated[int | None, typer.Option("--to", help="Last year of a year-by-year audit.")] = None,
          db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """The back-door audit: non-members holding a defence pledge from an ally through another arrangement."""
    from .analytics.coverage import audit_by_year, backdoor_audit

    r = _open(db)
    if from_ is not None or to is not None:
        rows = audit_by_year(r, from_ or 1949, to or reg.window(None).first.year)
        emit(rows, fmt, ["year", "n_covered", "added", "removed", "covered"])
        return
    rows = backdoor_audit(r, at)
    emit(rows, fmt, ["actor_id", "name", "arrangement_id", "type", "binding", "n_allies", "since", "allies"],
         title=f"back-door audit at {reg.window(at).label}: {len({x['actor_id'] for x in rows})} non-members covered")


@app.command()
def coverage(actor: Annotated[str, typer.Argument(metavar="ACTOR")], at: AtOpt = None,
             db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Every pledge an actor receives at a date: type, binding or political, from whom, through what."""
    from .analytics.coverage import guarantee_coverage

    r = _open(db)
    emit(guarantee_coverage(r, actor, at=at), fmt, ["arrangement_id", "type", "binding", "n_givers", "since", "givers"],
         title=f"pledges received by {r.actor_id(actor)} at {reg.window(at).label}")


@app.command()
def impact(fmt_id: Annotated[str | None, typer.Argument(metavar="FORMAT", help="A format id (omit with --all).")] = None,
           at: AtOpt = None, all_: Annotated[bool, typer.Option("--all", help="Rank every format.")] = False,
           db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """What a format does to the alliance: who is left out, cross-line ties, overlaps, cohesion change."""
    from .analytics.formats import format_impact, impact_all

    r = _open(db)
    if all_ or fmt_id is None:
        emit(impact_all(r, at), fmt, ["rank", "format", "relation", "n_members", "n_outside_nato", "n_allies_left_out",
                                      "n_new_cross_line_ties", "ei_change", "ei_weighted_change"])
        return
    x = format_impact(r, fmt_id, at)
    if fmt is not Fmt.table:
        emit(x if fmt is Fmt.json else x["cross_line_ties"], fmt)
        return
    emit({k: x[k] for k in ("format", "at", "members_in_nato", "members_outside_nato", "n_allies_left_out", "allies_left_out",
                            "cohesion_change")}, fmt, title=f"impact of {x['name']}")
    emit(x["cross_line_ties"], fmt, ["ally", "non_member", "only_via_format", "also_via"], title="cross-line ties")
    emit(x["overlaps"][:15], fmt, ["arrangement_id", "name", "jaccard"], title="overlap (Jaccard)")


@app.command()
def timeline(arrangement: Annotated[str, typer.Argument(metavar="ARR")], db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Members and partners per year, and the events behind them."""
    from .analytics.timeline import timeline as build

    t = build(_open(db), arrangement)
    if fmt is Fmt.json:
        emit(t, fmt)
        return
    emit(t["counts"], fmt, ["year", "members", "partners"], title=None if fmt is Fmt.csv else f"{t['arrangement_id']} per year")


@app.command()
def network(at: AtOpt = None, seed: Annotated[int, typer.Option("--seed", help="Seed for community detection.")] = 0,
            actor_kind: Annotated[list[str] | None, typer.Option("--actor-kind", help="Keep only these actor kinds.")] = None,
            arrangement_kind: Annotated[list[str] | None, typer.Option("--arrangement-kind", help="Use only these arrangement kinds.")] = None,
            db: DbOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Centrality of every actor in the partnership network at a date, and its communities."""
    from .analytics import graph

    g = graph.actor_graph(_open(db), at, actor_kinds=actor_kind, arrangement_kinds=arrangement_kind)
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


# --- entry point -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; bad input never ends in a traceback."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="secnet", standalone_mode=False)
    except InvalidData as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print(f"secnet: error: {len(e.problems)} problem(s); nothing was loaded", file=sys.stderr)
        return 2
    except SecnetError as e:
        print(f"secnet: error: {e}", file=sys.stderr)
        return 2
    except (typer.Exit, click.exceptions.Exit) as e:
        return e.exit_code
    except (typer.Abort, click.Abort):
        print("secnet: aborted", file=sys.stderr)
        return 130
    except (typer.TyperException, click.ClickException) as e:
        # Usage errors: unknown option, bad choice, missing argument. (Typer >= 0.2x vendors click.)
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        print(f"secnet: error: {message.removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    return rv if isinstance(rv, int) else 0


def run() -> None:  # pragma: no cover - console-script shim
    sys.exit(main())
