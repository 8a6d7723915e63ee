"""The domain's nouns and vocabularies: pure Python, no I/O."""

from .dates import FuzzyDate, Window
from .entities import Actor, Arrangement, CowSpell, Dataset, Obligation, Participation, Source

__all__ = ["Actor", "Arrangement", "CowSpell", "Dataset", "FuzzyDate", "Obligation", "Participation", "Source", "Window"]
