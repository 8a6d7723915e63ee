"""as_of and members agree with a brute-force interval check on random datasets."""

import datetime as dt

from hypothesis import given, settings, strategies as st

from secnet.model.dates import FuzzyDate
from secnet.model.entities import Actor, Arrangement, Dataset, Participation, Source
from secnet.registry import Registry

ACTORS = ["AUT", "BEL", "CAN", "DNK", "EST", "FIN"]
ROLES = ["member", "partner", "observer", "lead"]
BASE = dt.date(1990, 1, 1)


@st.composite
def fuzzy(draw, lo=0, hi=12000):
    d = BASE + dt.timedelta(days=draw(st.integers(lo, hi)))
    precision = draw(st.sampled_from(["day", "day", "month", "year"]))
    text = d.isoformat() if precision == "day" else d.isoformat()[:7] if precision == "month" else d.isoformat()[:4]
    return FuzzyDate.parse(text)


@st.composite
def datasets(draw):
    parts = []
    for actor in draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=12)):
        start = draw(fuzzy())
        end = draw(st.one_of(st.none(), fuzzy()))
        if end is not None and end.last <= start.first:
            end = None
        parts.append(Participation(actor=actor, arrangement="x", role=draw(st.sampled_from(ROLES)),
                                   start=start, end=end, sources=["s"]))
    arr = Arrangement(id="x", name="X", kind="minilateral", relation="minilateral", founded="1990-01-01",
                      sources=["s"], participations=parts)
    actors = {a: Actor(id=a, kind="state", name=a, sources=["s"]) for a in ACTORS}
    return Dataset(sources={"s": Source(id="s", title="t", publisher="p", url="http://x")}, actors=actors,
                   arrangements={"x": arr})


def brute(ds, day: dt.date):
    """(possible, certain) participations on one day, from the definitions, one at a time."""
    possible, certain = set(), set()
    for p in ds.arrangements["x"].participations:
        end_last = p.end.last if p.end else dt.date.max
        end_first = p.end.first if p.end else dt.date.max
        if p.start.first <= day < end_last:
            possible.add(p.key)
            if p.start.last <= day < end_first:
                certain.add(p.key)
    return possible, certain


@settings(max_examples=150, deadline=None)
@given(datasets(), st.integers(0, 12500))
def test_as_of_and_members_match_brute_force(ds, offset):
    day = BASE + dt.timedelta(days=offset)
    r = Registry(ds)
    possible, certain = brute(ds, day)
    rows = r.as_of(day).rows
    assert {x["key"] for x in rows} == possible
    assert {x["key"] for x in rows if x["certain"]} == certain
    member_keys = {x["key"] for x in r.members("x", at=day)}
    assert member_keys == {k for k in possible if k.split(":")[2] in ("member", "lead")}


@settings(max_examples=60, deadline=None)
@given(datasets(), st.integers(1990, 2023))
def test_year_query_is_the_union_of_its_days(ds, year):
    r = Registry(ds)
    in_year = {x["key"] for x in r.as_of(str(year)).rows}
    days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(0, 366, 1)]
    union = set()
    for d in days:
        if d.year == year:
            union |= brute(ds, d)[0]
    assert in_year == union
