"""Alliance ties on the 0-3 scale of the similarity measures, from ATOP, COW or the registry.

Sources: ATOP v5.1 (Leeds et al. 2002); COW Formal Alliances v4.1 (Gibler
2009); the secnet registry (:mod:`secnet.research.dyad_facts`).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from secnet.errors import InvalidData, InvalidInput, SecnetError
from secnet.research.tables import Masked, column, column_names
from secnet.research.years import SECNET_FIRST_YEAR

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_ATOP = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
_COW = ("cow_defense", "cow_neutral", "cow_nonagg", "cow_entente")
_COW_RAW = ("defense", "neutrality", "nonaggression", "entente")


def load_alliances(
    source: str = "atop",
    path: str | os.PathLike[str] | None = None,
    table: pd.DataFrame | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The dyad-year alliance table for ``source`` (``atop``, ``cow`` or ``secnet``).

    - ``atop``: ATOP v5.1 from the peacesciencer files, or the official
      directed dyad-year file at ``path``;
    - ``cow``: the official COW Formal Alliances v4.1 dyad-year file at
      ``path`` (not shipped: its maintainer asks users to download it);
    - ``secnet``: the registry's dyad-year ``table`` (``secnet_defence``,
      ``secnet_consult``...), covering 1949 to the current year unless its
      ``attrs["coverage"]`` says otherwise.
    """
    from secnet.research.data import read_peacesciencer
    from secnet.research.readers.atop import read_atop_dyad_years
    from secnet.research.readers.cow import read_cow_alliance_dyad_years

    source = source.lower()
    if source == "atop":
        return read_atop_dyad_years(path) if path is not None else read_peacesciencer("atop_alliance", data_dir)
    if source == "cow":
        if path is None:
            raise SecnetError(
                "COW Formal Alliances v4.1 is not shipped (its maintainer asks users to download it): "
                "give the path of alliance_v4.1_by_dyad_yearly.csv"
            )
        return read_cow_alliance_dyad_years(path)
    if source == "secnet":
        if table is None:
            raise SecnetError("the secnet source needs the registry's dyad-year table")
        table = table.copy(deep=False)
        table.attrs.setdefault("coverage", (SECNET_FIRST_YEAR, dt.date.today().year))
        return table
    raise InvalidInput(f"alliance source '{source}': use atop, cow or secnet")


def valued_alliances(table: pd.DataFrame) -> pd.DataFrame:
    """Dyad-year alliance ties on the 0-3 scale: ``ccode1, ccode2, year, level``.

    Reads any of these layouts (by their columns):

    - ATOP (``atop_defense, atop_offense, atop_neutral, atop_nonagg,
      atop_consul``): 3 defence or offence, 2 neutrality or non-aggression,
      1 consultation;
    - COW Formal Alliances (``cow_defense, cow_neutral, cow_nonagg,
      cow_entente``, or the official ``defense, neutrality, nonaggression,
      entente``): 3 defence, 2 neutrality or non-aggression, 1 entente;
    - secnet's registry table (``secnet_defence``, optionally
      ``secnet_consult``): 3 defence, 1 consultation;
    - a table that already has ``level``.

    A dyad-year listed more than once keeps its highest level.
    """
    import pandas as pd

    c1, c2, year, level = _levels(table)
    out = pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": year, "level": level})
    if out.duplicated(["ccode1", "ccode2", "year"]).any():
        out = out.groupby(["ccode1", "ccode2", "year"], as_index=False, sort=False)["level"].max()
    return out


def _levels(table: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ccode1, ccode2, year, level) arrays of a dyad-year alliance table (pandas or Arrow; see :func:`valued_alliances`)."""
    columns = set(column_names(table))
    if not {"ccode1", "ccode2", "year"} <= columns:
        raise InvalidData("alliance table: needs ccode1, ccode2 and year columns")

    def numbers(name: str) -> np.ndarray:
        """The column as numbers, missing or unreadable values as 0."""
        values = column(table, name)
        if isinstance(values, Masked):
            return np.where(values.mask, 0, values.data)
        if values.dtype.kind in "iub":
            return values
        if values.dtype.kind != "f":
            import pandas as pd

            values = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64)
        return np.nan_to_num(values, nan=0.0)

    def at(value: int, *names: str) -> np.ndarray:
        """``value`` (int8) where any of the columns is positive, else 0."""
        hit = numbers(names[0]) > 0
        for name in names[1:]:
            hit |= numbers(name) > 0
        return hit.view(np.int8) * np.int8(value)

    if "level" in columns:
        level = numbers("level")
        if ((level < 0) | (level > 3) | (level != np.round(level))).any():
            raise InvalidData("alliance table: level must be 0, 1, 2 or 3")
    elif set(_ATOP) <= columns:
        level = np.maximum(at(3, "atop_defense", "atop_offense"), at(2, "atop_neutral", "atop_nonagg"))
        np.maximum(level, at(1, "atop_consul"), out=level)
    elif set(_COW) <= columns or set(_COW_RAW) <= columns:
        d, n, a, e = _COW if set(_COW) <= columns else _COW_RAW
        level = np.maximum(at(3, d), at(2, n, a))
        np.maximum(level, at(1, e), out=level)
    elif "secnet_defence" in columns:
        level = at(3, "secnet_defence")
        if "secnet_consult" in columns:
            np.maximum(level, at(1, "secnet_consult"), out=level)
    else:
        raise InvalidData(
            "alliance table: no level, ATOP (atop_defense...), COW (cow_defense... or defense, neutrality, "
            "nonaggression, entente) or secnet (secnet_defence) columns"
        )
    return (
        _int_column(table, "ccode1"),
        _int_column(table, "ccode2"),
        _int_column(table, "year"),
        np.asarray(level, dtype=np.int8),
    )


def _int_column(table: Any, name: str) -> np.ndarray:
    values = column(table, name)
    if isinstance(values, Masked) or (values.dtype.kind == "f" and np.isnan(values).any()) or \
            (values.dtype.kind == "O" and any(v is None for v in values)):
        raise InvalidData(f"alliance table: {name} has missing values")
    try:
        return np.asarray(values, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"alliance table: {name} must be whole numbers") from exc
