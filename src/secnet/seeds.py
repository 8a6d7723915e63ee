"""The ``seed`` parameter: one range for every command, endpoint and function that draws at random.

A seed is a whole number from 0 to :data:`SEED_MAX` (2**32 - 1, what numpy's
legacy generators and most other tools accept). The API declares this range in
its schema and the library checks it, so ``secnet network --seed``, ``secnet
prioritise --smaa --seed``, ``/api/v1/network?seed=`` and the dashboard refuse
the same seeds with the same words.
"""

from __future__ import annotations

from .errors import InvalidInput

SEED_MAX = 2**32 - 1


def check_seed(seed: int, where: str = "--seed") -> int:
    """``seed`` if it is in range; else :class:`InvalidInput` naming ``where``."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise InvalidInput(f"{where} must be a whole number from 0 to {SEED_MAX} (found {seed})")
    return seed
