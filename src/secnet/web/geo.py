"""Country codes for the map.

world-atlas (Natural Earth via TopoJSON) identifies countries by their ISO 3166-1
*numeric* code ("250" for France); secnet identifies states by ISO 3166-1
alpha-3 ("FRA"). pycountry carries both. A few territories world-atlas draws
without a code (Kosovo) are matched by the feature's name. States that no
longer exist (the Soviet Union, Yugoslavia, ...) have no feature: the map lists
them instead of drawing them.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

#: world-atlas features without an ISO numeric id, by our id -> the feature's ``name``.
UNNUMBERED = {"XKX": "Kosovo"}


@lru_cache(maxsize=None)
def feature_id(iso3: str) -> str | None:
    """The world-atlas feature for a state: its ISO numeric code ("040"), its name for Kosovo, else None."""
    if iso3 in UNNUMBERED:
        return UNNUMBERED[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    return country.numeric if country else None
