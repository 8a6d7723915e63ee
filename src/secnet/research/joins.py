"""Vectorised joins of a pandas panel with a source table on its integer keys.

The joins themselves are in :mod:`secnet.research.gather` (numpy only);
this module reads a pandas panel's keys for them and turns their columns
into pandas' nullable integers (``Int8``, ``Int64``) or float64, so
"missing" never turns a count into a float. Row -1 means "the source has no
row"; :func:`_take` turns it into a missing value (or 0 inside the source's
temporal domain).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from secnet.errors import InvalidData, SecnetError
from secnet.research.data import read_peacesciencer
from secnet.research.gather import Keys, dyad_rows, pool, state_rows, take, take_all
from secnet.research.tables import Masked, reference_table
from secnet.research.tables import require as _require
from secnet.research.years import DataDir

__all__ = ["_Keys", "_dyad_rows", "_ints", "_is_non_directed", "_panel_kind", "_pool", "_require", "_state_rows",
           "_table", "_take", "_take_all", "_with", "pandas_column"]

_state_rows = state_rows
_pool = pool


def _ints(series: pd.Series | np.ndarray, what: str) -> np.ndarray:
    if isinstance(series, pd.Series) and series.hasnans:
        raise InvalidData(f"{what}: has missing values")
    try:
        return np.asarray(series, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"{what}: not whole numbers") from exc


def _panel_kind(panel: pd.DataFrame, verb: str, code: str = "ccode") -> str:
    if {f"{code}1", f"{code}2", "year"} <= set(panel.columns):
        return "dyad"
    if {code, "year"} <= set(panel.columns):
        return "state"
    other = "gwcode" if code == "ccode" else "ccode"
    if {f"{other}1", f"{other}2"} <= set(panel.columns) or other in panel.columns:
        raise SecnetError(
            f"{verb} merges on {code} (the {'Correlates of War' if code == 'ccode' else 'Gleditsch-Ward'} code), "
            f"which this panel does not have; build it with system='{'cow' if code == 'ccode' else 'gw'}'"
        )
    raise SecnetError(f"{verb} needs a dyad-year panel ({code}1, {code}2, year) or a state-year panel ({code}, year)")


class _Keys:
    """Reads a pandas panel's key columns for :mod:`secnet.research.gather`."""

    @staticmethod
    def of(panel: pd.DataFrame, code: str = "ccode") -> Keys:
        sides = ("1", "2") if f"{code}1" in panel.columns else ("",)
        codes = {side: panel[f"{code}{side}"].to_numpy(np.int64) for side in sides}
        return Keys.of(codes, panel["year"].to_numpy(np.int64), code)


def _dyad_rows(panel: pd.DataFrame, code: str, table: Any, mirror: bool = False) -> np.ndarray:
    """For each panel row, the row of ``table`` with the same dyad-year, else -1 (see :func:`gather.dyad_rows`)."""
    return dyad_rows(_Keys.of(panel, code), table, code, mirror)


def _values(column: Any) -> np.ndarray | Masked:
    """A pandas Series (or array) as numpy, nullable integers as a :class:`Masked` pair."""
    values = column.array if isinstance(column, pd.Series) else column
    if isinstance(values, pd.arrays.IntegerArray):
        return Masked(values._data, values._mask)
    return values


def pandas_column(values: np.ndarray | Masked) -> Any:
    """A gathered column for pandas: a :class:`Masked` pair becomes a nullable integer array."""
    return pd.arrays.IntegerArray(values.data, values.mask) if isinstance(values, Masked) else values


def _take(column: Any, rows: np.ndarray, dtype: str = "Int64", inside: np.ndarray | None = None,
          absent: np.ndarray | None = None):
    """``column[rows]`` as pandas (see :func:`gather.take`): a nullable integer array of ``dtype``, or float64."""
    return pandas_column(take(_values(column), rows, dtype, inside, absent))


def _take_all(jobs: dict[str, tuple]) -> dict[str, object]:
    """Several :func:`_take` at once, on threads (numpy's gathers release the GIL)."""
    taken = take_all({name: (_values(job[0]), *job[1:]) for name, job in jobs.items()})
    return {name: pandas_column(values) for name, values in taken.items()}


def _with(panel: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    clash = [c for c in columns if c in panel.columns]
    if clash:
        raise SecnetError(f"the panel already has column(s) {', '.join(clash)}; was this step applied twice?")
    # Series made without copying, joined side by side: setitem would copy every column.
    new = pd.DataFrame({k: pd.Series(v, index=panel.index, copy=False) for k, v in columns.items()}, copy=False)
    return pd.concat([panel, new], axis=1)


def _table(table: pd.DataFrame | None, name: str, data_dir: DataDir) -> pd.DataFrame:
    return read_peacesciencer(name, data_dir) if table is None else table


def _arrow_table(table: Any, name: str, data_dir: DataDir) -> Any:
    """``table``, or the shipped reference table as Arrow (the joins read either; no pandas copy)."""
    return reference_table(name, data_dir) if table is None else table


def _is_non_directed(panel: pd.DataFrame, code: str = "ccode") -> bool:
    return not (panel[f"{code}1"].to_numpy() > panel[f"{code}2"].to_numpy()).any()
