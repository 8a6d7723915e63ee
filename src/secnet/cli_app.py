"""The ``secnet`` commands as a Typer application: the registry, analytics and findings.

Every command is a few lines over the library; ``--format table|json|csv``
and ``--db URL`` everywhere. The research commands (``panel``,
``similarity``, ``check``, ``cache``) are in :mod:`secnet.cli_research`,
the design tools, the server and its tokens in :mod:`secnet.cli_admin`;
importing this module adds them, in the order ``secnet --help`` lists them.
The entry point, the output helpers and the light path for ``panel`` and
``similarity`` are in :mod:`secnet.cli`.
"""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Any

import click
import typer

from .cli import Fmt, emit

class _OnFirstUse:
    """A module imported on first attribute access, so that ``secnet --help`` loads no
    SQLAlchemy, pydantic, pandas or numpy (each command imports what it needs)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


reg = _OnFirstUse("secnet.registry")


app = typer.Typer(
    name="secnet",
    help="Map, measure and design the security partnership networks around NATO.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL or SQLite path (default: $SECNET_DATABASE_URL or the user data dir).")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Date: YYYY-MM-DD, YYYY-MM or YYYY (default: today).")]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", help="A scenario file (YAML) applied in memory; see docs/scenarios.md.")]


def _lead(text: str) -> None:
    """The plain sentence a table-format answer opens with (secnet.findings.lead)."""
    from rich.console import Console

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


def _ids(values: list[str] | None) -> list[str]:
    return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]


PART_COLS = ["actor_id", "name", "role", "start", "end", "certain", "cow_code", "sources"]


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
        from rich.console import Console

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


def run_typer(args: list[str]) -> int:
    """Run the Typer application on ``args``: usage errors are one line and exit code 2.

    The library's own errors (:class:`~secnet.errors.SecnetError`) are left to
    :func:`secnet.cli.main`, which reports them for both paths.
    """
    from .cli import _error

    command = typer.main.get_command(app)
    try:
        rv = command.main(args=args, prog_name="secnet", standalone_mode=False)
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


# The research commands and the design and server commands add themselves to `app` (this order is --help's).
from . import cli_research, cli_admin  # noqa: E402,F401,I001
