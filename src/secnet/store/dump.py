"""Write a dataset back to the YAML layout the loader reads (the inverse of :mod:`secnet.ingest.dataset`).

``secnet dump DIR`` uses it to turn a team server's edited database into files
that can be reviewed, committed and validated: ``sources.yaml``,
``actors/{states,organisations,private}.yaml`` and one
``arrangements/<id>.yaml`` per arrangement. Loading the dump gives back the
same dataset: fields at their default value are left out (the loader puts
them back), and dates keep their written precision.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel

from ..errors import InvalidInput
from ..userfiles import check_directory, ordinary_mode, os_reason
from ..model.entities import Arrangement, Dataset

#: The actors file for each actor kind.
ACTOR_FILES = {"state": "states", "international_organisation": "organisations", "private_actor": "private"}


def _plain(model: BaseModel, **kw) -> dict:
    return model.model_dump(mode="json", exclude_defaults=True, **kw)


def _arrangement(arr: Arrangement) -> dict:
    d = {"id": arr.id, **_plain(arr, exclude={"id", "obligations", "participations"})}
    d["founded"] = str(arr.founded)  # required: keep it even if it were ever given a default
    if arr.obligations:
        d["obligations"] = [_plain(o) for o in arr.obligations]
    d["participations"] = [_plain(p, exclude={"arrangement"}) for p in arr.participations]
    return d


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (``sources: [a, b]``), as the curated files write them."""


def _list(dumper: yaml.SafeDumper, items: list):
    flow = all(isinstance(x, (str, int, float, bool)) or x is None for x in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(list, _list)


def _write(path: Path, data, header: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    path.write_text(f"# {header}\n{text}", encoding="utf-8")
    return path


def dump_dataset(ds: Dataset, directory: str | Path, *, origin: str = "") -> list[Path]:
    """Write ``ds`` as a dataset directory; refuses a directory that is not empty (stale files would load too).

    All or nothing: the files are written into a temporary directory beside
    ``directory``, which is renamed into place when every file is written.
    """
    root = Path(directory)
    header = f"Written by `secnet dump`{' from ' + origin if origin else ''}; check with `secnet validate`."
    work = None
    try:
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise InvalidInput(f"{root}: not an empty directory; dump into a new one")
        check_directory(root.parent, f"dump {root}", create=True)
        work = Path(tempfile.mkdtemp(dir=root.parent, prefix=".secnet-dump-"))
        files = [_write(work / "sources.yaml", [_plain(s) for s in ds.sources.values()], header)]
        by_file: dict[str, list[dict]] = {}
        for a in ds.actors.values():
            by_file.setdefault(ACTOR_FILES.get(a.kind, a.kind), []).append(_plain(a))
        files += [_write(work / "actors" / f"{name}.yaml", items, header) for name, items in sorted(by_file.items())]
        files += [_write(work / "arrangements" / f"{arr.id}.yaml", _arrangement(arr), header)
                  for arr in sorted(ds.arrangements.values(), key=lambda a: a.id)]
        ordinary_mode(work)
        if root.exists():
            root.rmdir()  # empty, checked above
        os.replace(work, root)
    except (OSError, ValueError) as e:
        raise InvalidInput(f"dump {root}: cannot write ({os_reason(e)})") from None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)  # gone already after the rename
    return [root / f.relative_to(work) for f in files]

