"""Reference files cached as columnar (Arrow IPC / Feather v2) files in the user cache directory.

The reference data (peacesciencer's gzip CSV files) take seconds to parse;
the first time a table is asked for it is converted to an uncompressed Arrow
IPC file, which later calls memory-map in milliseconds.

Where: ``$SECNET_CACHE_DIR`` when set (tests point it at a temporary
directory), else the user cache directory (``platformdirs``:
``$XDG_CACHE_HOME/secnet`` or ``~/.cache/secnet`` on Linux); the files go in
its ``reference/`` folder, one ``<table>-<dir>.arrow`` and its ``.json``
record per table and source directory.

When a cached file is used: the record names the source file's size,
modification time (ns) and SHA-256. If size and modification time are
unchanged the cache is taken as is (no hashing); if they changed, the source
is hashed and the cache is kept when the hash is the same (a copied or
touched file) and rebuilt silently when it is not. A cache file that cannot
be read, or whose size or modification time differ from its record (truncated,
overwritten), is damaged: one warning line on stderr, then it is rebuilt. A
cache directory that cannot be written is not an error: the source is parsed
as before, every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV_VAR = "SECNET_CACHE_DIR"
#: Bump when the layout of the cached files changes: older files are then rebuilt.
#: 2: one record batch per file, so every column memory-maps as one numpy array.
LAYOUT = 2
#: Sources larger than this (compressed bytes) take over a second to convert: say so on a terminal.
_SLOW_BYTES = 2_000_000


def cache_root() -> Path:
    """The secnet cache directory (``$SECNET_CACHE_DIR`` or the platform's user cache dir)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("secnet", appauthor=False))


def reference_cache_dir() -> Path:
    """Where the reference tables are cached: ``<cache root>/reference``."""
    return cache_root() / "reference"


def _stem(name: str, source: Path) -> str:
    where = hashlib.sha256(str(source.parent.resolve()).encode()).hexdigest()[:10]
    return f"{name}-{where}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _warn(message: str) -> None:
    print(f"secnet: warning: {message}", file=sys.stderr)


def _record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        _warn(f"cache record {path} is damaged ({e.__class__.__name__}); rebuilding it")
        return None
    return record if isinstance(record, dict) else None


def cached_table(name: str, source: Path, convert: Callable[[Path], Any]):
    """The Arrow table of ``source`` (``convert(source)`` the first time), through the cache."""
    import pyarrow as pa

    folder = reference_cache_dir()
    stem = _stem(name, source)
    data, meta = folder / f"{stem}.arrow", folder / f"{stem}.json"
    stat = source.stat()
    record = _record(meta)
    if record is not None and record.get("layout") == LAYOUT and record.get("source") == str(source):
        fresh = record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns
        if not fresh and record.get("size") == stat.st_size and record.get("sha256") == sha256_of(source):
            fresh = True  # the same bytes, touched or copied: keep the cache, note the new time
            record["mtime_ns"] = stat.st_mtime_ns
            try:
                _write_record(meta, record)
            except OSError:
                pass
        if fresh:
            try:
                table = _open(data, record)
            except (OSError, pa.ArrowException, ValueError) as e:
                _warn(f"cache file {data} is damaged ({_reason(e)}); rebuilding it from {source.name}")
            else:
                return table
    return _rebuild(name, source, convert, data, meta, stat)


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else e.__class__.__name__


def _open(data: Path, record: dict[str, Any]):
    import pyarrow as pa

    stat = data.stat()
    if stat.st_size != record.get("cache_size") or stat.st_mtime_ns != record.get("cache_mtime_ns"):
        raise ValueError("size or time differ from its record")
    return pa.ipc.open_file(pa.memory_map(str(data), "r")).read_all()


def _rebuild(name: str, source: Path, convert: Callable[[Path], Any], data: Path, meta: Path, stat: os.stat_result):
    import pyarrow as pa

    started = time.perf_counter()
    loud = stat.st_size > _SLOW_BYTES and sys.stderr.isatty()
    if loud:
        print(f"secnet: caching {source.name} ({stat.st_size / 1e6:.1f} MB) as a columnar file, first use only ...",
              end="", file=sys.stderr, flush=True)
    digest = sha256_of(source)
    table = convert(source).combine_chunks()
    try:
        data.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=data.parent, prefix=".secnet-", suffix=".arrow")
        os.close(fd)
        try:
            with pa.OSFile(temp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            os.replace(temp, data)
        finally:
            Path(temp).unlink(missing_ok=True)
        cache_stat = data.stat()
        _write_record(meta, {
            "layout": LAYOUT, "table": name, "source": str(source), "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns, "sha256": digest, "cache_size": cache_stat.st_size,
            "cache_mtime_ns": cache_stat.st_mtime_ns, "rows": table.num_rows, "built": time.time(),
        })
    except OSError:
        pass  # a read-only or full cache directory: work from the source
    if loud:
        print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return table


def _write_record(meta: Path, record: dict[str, Any]) -> None:
    fd, temp = tempfile.mkstemp(dir=meta.parent, prefix=".secnet-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(record, f, indent=1)
    os.replace(temp, meta)


def cache_info() -> list[dict[str, Any]]:
    """One row per cached reference table: table, rows, source, sizes, built, state.

    ``state`` is ``fresh`` (the source has the recorded size and time),
    ``stale`` (the source changed or is gone: rebuilt on next use) or
    ``damaged`` (the cache file or its record cannot be trusted).
    """
    folder = reference_cache_dir()
    rows = []
    for meta in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = meta.with_suffix(".arrow")
        try:
            record = json.loads(meta.read_text())
            stat = data.stat()
            state = "fresh"
            if stat.st_size != record["cache_size"] or stat.st_mtime_ns != record["cache_mtime_ns"]:
                state = "damaged"
            else:
                source = Path(record["source"])
                if not source.is_file() or source.stat().st_size != record["size"] or \
                        source.stat().st_mtime_ns != record["mtime_ns"]:
                    state = "stale"
        except (OSError, ValueError, KeyError, TypeError):
            rows.append({"table": meta.stem.rsplit("-", 1)[0], "rows": None, "source": None, "source_bytes": None,
                         "cache_file": str(data), "cache_bytes": data.stat().st_size if data.is_file() else None,
                         "built": None, "state": "damaged"})
            continue
        rows.append({"table": record["table"], "rows": record.get("rows"), "source": record["source"],
                     "source_bytes": record["size"], "cache_file": str(data), "cache_bytes": stat.st_size,
                     "built": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.get("built", 0))),
                     "state": state})
    return rows


def clear_cache() -> dict[str, Any]:
    """Delete every cached reference table; returns the directory, files removed and bytes freed.

    Also forgets the tables parsed in this process, so the next read starts afresh.
    """
    folder = reference_cache_dir()
    removed, freed = 0, 0
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and (path.suffix in (".arrow", ".json")):
                freed += path.stat().st_size
                path.unlink()
                removed += 1
    for name in ("secnet.research.tables", "secnet.research.data"):
        module = sys.modules.get(name)
        if module is not None:
            (module.clear_tables if name.endswith("tables") else module.clear_cache)()
    return {"directory": str(folder), "files_removed": removed, "bytes_freed": freed}
