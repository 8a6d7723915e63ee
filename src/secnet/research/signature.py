"""ATOP's dating convention: a pledge counts from the signature of the instrument that makes it.

The registry dates a participation from the day it binds in law: a treaty's
entry into force, the deposit of an instrument of ratification or accession.
The Alliance Treaty Obligations and Provisions project dates an alliance, and a
state's membership of it, from the **signature** (Leeds et al. 2002; ATOP 5.1
codebook). Finland is a NATO member from 2023-04-04 in law, but ATOP's coding
would hold the allies' pledge to it from the accession protocol of 2022-07-05.

:func:`signature_registry` gives the registry as ATOP's convention reads it:
every participation whose signature date is known (``signed``, or the
arrangement's ``signed`` for an original party, see
:meth:`secnet.model.entities.Arrangement.signature_of`) starts at that
signature, and every obligation with a ``signed`` date takes effect then. Nothing
else changes, and where no signature date is recorded the legal date stands.

Use it for research columns that are compared with ATOP (``secnet_defence``
in :mod:`secnet.research.dyad_facts`, the pledge trace). The audit, the as-of
queries and every other question stay on the legal dates: a signed protocol is
not yet a pledge in law.
"""

from __future__ import annotations

import weakref

from ..model.entities import Arrangement, Dataset
from ..registry import Registry

_VIEWS: weakref.WeakKeyDictionary[Registry, Registry] = weakref.WeakKeyDictionary()


def signed_arrangement(arr: Arrangement) -> Arrangement:
    """``arr`` with participations and obligations starting at their signature where it is known."""
    parts, obs, first = [], [], arr.founded
    for p in arr.participations:
        s = arr.signature_of(p)
        if s is not None:
            p = p.model_copy(update={"start": s})
            first = min(first, s, key=lambda d: d.first)
        parts.append(p)
    for o in arr.obligations:
        if o.signed is not None:
            o = o.model_copy(update={"start": o.signed})
            first = min(first, o.signed, key=lambda d: d.first)
        obs.append(o)
    return arr.model_copy(update={"participations": parts, "obligations": obs, "founded": first})


def signature_registry(r: Registry) -> Registry:
    """The registry read with ATOP's convention (see the module docstring); built once per registry."""
    view = _VIEWS.get(r)
    if view is None:
        ds = Dataset.model_construct(sources=r.sources, actors=r.actors,
                                     arrangements={k: signed_arrangement(a) for k, a in r.arrangements.items()})
        view = _VIEWS[r] = Registry(ds, origin=f"{r.origin} (dated from signature)")
    return view
