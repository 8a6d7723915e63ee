"""Files the user names: read with one clear error, written all or nothing.

:func:`read_text` reads an input file (a CSV of criteria or candidates) as UTF-8,
turning a missing, unreadable or non-UTF-8 file into :class:`InvalidInput`.

:func:`writing` is used by every command that writes files (``export``, ``brief``,
``panel``, ``similarity``, ``dump``): the content goes to temporary files beside
the targets and is renamed into place only when every file has been written, so
a failure (a full disk, a target that is a directory, a file name the system
refuses) leaves no half-written output behind. Every ``OSError`` and the
``ValueError`` of a path with a NUL byte become :class:`InvalidInput` naming
the option and the reason.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InvalidInput

_UMASK = os.umask(0)
os.umask(_UMASK)


def read_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path``; ``what`` names the option in messages (e.g. ``--criteria``)."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInput(f"{what}: cannot read {path}: {os_reason(e)}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{what}: {path} is not UTF-8 text") from None
    except ValueError as e:  # a NUL character in the path
        raise InvalidInput(f"{what}: cannot read {path}: {os_reason(e)}") from None


def ordinary_mode(path: Path) -> None:
    """Give a temporary file or directory (private, as ``tempfile`` makes them) the mode a new one gets."""
    path.chmod((0o777 if path.is_dir() else 0o666) & ~_UMASK)


def os_reason(e: BaseException) -> str:
    """Why a file operation failed, in a few words (``strerror`` when the system gives one)."""
    return getattr(e, "strerror", None) or str(e)


def check_directory(path: Path, what: str, *, create: bool = False) -> None:
    """Refuse (or, with ``create``, make) the directory ``path`` before anything is computed."""
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            raise InvalidInput(f"{what}: directory {path} does not exist")
    except (OSError, ValueError) as e:
        verb = "cannot create directory" if create else "cannot use directory"
        raise InvalidInput(f"{what}: {verb} {path} ({os_reason(e)})") from None


@contextmanager
def writing(targets: list[Path], what: str) -> Iterator[list[Path]]:
    """Yield one temporary path per target (same directory, same suffix); on success move them all into place.

    ``what`` names the option in messages (e.g. ``--to out.csv``). Directories
    of the targets must exist (see :func:`check_directory`).
    """
    temps: list[Path] = []
    try:
        for target in targets:
            if target.is_dir():
                raise InvalidInput(f"{what}: {target} is a directory")
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=".secnet-", suffix="".join(target.suffixes[-2:])[:40])
            os.close(fd)
            temps.append(Path(name))
        yield temps
        for temp, target in zip(temps, targets, strict=True):
            ordinary_mode(temp)
            os.replace(temp, target)
        temps = []
    except (OSError, ValueError) as e:
        raise InvalidInput(f"{what}: cannot write ({os_reason(e)})") from None
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
