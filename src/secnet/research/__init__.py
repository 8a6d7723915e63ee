"""Research data: peacesciencer-style panels and alliance-portfolio similarity.

The public surface, in the words of peacesciencer (Miller 2022, *Conflict
Management and Peace Science* 39(6): 755-779)::

    from secnet import research

    panel = research.dyad_years(system="cow", directed=True).add_atop_alliance().add_igos().add_nmc()
    panel.to_parquet("panel.parquet")          # or .to_pandas()
    sim = research.similarity(source="atop", measures=["taub", "s", "kappa", "pi"], years=(1816, 2012))

Other parts of secnet (``analytics``, ``design``, the CLI) use only the names
listed in ``__all__``; the modules behind them are this package's own
business. Importing this package is cheap: each name is imported on first use
(PEP 562), so numpy, pandas and pyarrow load only when a panel is asked for.
See ``docs/research.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it.
_PUBLIC = {
    "dyad_years": "api",
    "state_years": "api",
    "panel": "api",
    "similarity": "api",
    "read_reference": "api",
    "Panel": "api",
    "MEASURES": "portfolio",
    "parse_years": "years",
    "nato_member_years": "dyad_facts",
    "secnet_dyad_years": "dyad_facts",
    "nato_atop_agreement": "alliances",
    "AtopAgreement": "alliances",
    "reference_dir": "data",
    "write_table": "data",
    "check_target": "output",
    "cache_info": "cache",
    "clear_cache": "cache",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .alliances import AtopAgreement, nato_atop_agreement
    from .api import Panel, dyad_years, panel, read_reference, similarity, state_years
    from .cache import cache_info, clear_cache
    from .data import reference_dir, write_table
    from .output import check_target
    from .dyad_facts import nato_member_years, secnet_dyad_years
    from .portfolio import MEASURES
    from .years import parse_years


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'secnet.research' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
