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
    for section in sections(data):
        emit(section["rows"], fmt, section["columns"], title=None if fmt is Fmt.csv else section["title"])


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
