"""The design tools (``prioritise``, ``group``, ``scenario``), the team server (``serve``, ``token``) and ``dump``."""

from __future__ import annotations

from typing import Annotated

import typer

from .cli import Fmt, emit
from .cli_app import AtOpt, DbOpt, FormatOpt, ScenarioOpt, _counts, _ids, _lead, _open, _say, app

# --- design tools (issue 7) -------------------------------------------------------------------


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
