"""Dates carry their precision; query windows follow it (never silently 1 January)."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from secnet.model.dates import OPEN_END, FuzzyDate, Window, bounds


def test_precision_is_the_form_of_the_date():
    assert FuzzyDate.parse("2014").precision == "year"
    assert FuzzyDate.parse("2014-06").precision == "month"
    assert FuzzyDate.parse("2014-06-05").precision == "day"
    assert FuzzyDate.parse(2014) == FuzzyDate(2014)


def test_a_year_spans_the_whole_year():
    d = FuzzyDate.parse("2014")
    assert (d.first, d.last) == (dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    m = FuzzyDate.parse("2024-02")
    assert (m.first, m.last) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13", "2023-00-10", "23-01-01", "2023/01/01", "yesterday", "", "2023-1-5"])
def test_impossible_or_malformed_dates_are_refused(bad):
    with pytest.raises(ValueError):
        FuzzyDate.parse(bad)


def test_window_of_a_year_query():
    w = Window.at("2023")
    assert (w.first, w.stop) == (dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert Window.at("2023-04-04").stop == dt.date(2023, 4, 5)


def test_open_end_bounds():
    s0, s1, e0, e1 = bounds(FuzzyDate.parse("2014-06"), None)
    assert (e0, e1) == (OPEN_END, OPEN_END)
    assert s1 - s0 == 29


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_round_trip(d):
    assert str(FuzzyDate.parse(d.isoformat())) == d.isoformat()
    assert FuzzyDate.parse(d.isoformat()).first == d


@pytest.mark.parametrize("at", ["9999", "9999-12", "9999-12-31"])
def test_query_window_at_the_end_of_the_calendar_is_refused(at):
    with pytest.raises(ValueError, match="past the last date"):
        Window.at(at)
