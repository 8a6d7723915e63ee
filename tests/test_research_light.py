"""`secnet panel` and `secnet similarity` without pandas, Typer or pydantic: the same files as the pandas API writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet  # noqa: F401 - pa.parquet
import pytest

from secnet import research
from secnet.errors import InvalidInput
from secnet.research import chain, panels, tables
from secnet.research.similarity_panel import similarity_columns
from secnet.research.data import to_arrow


@pytest.mark.parametrize("directed, add", [(True, "atop,igos,democracy,nmc"), (False, "igos,nmc"), (True, "democracy"),
                                           (True, "")])
def test_the_arrow_panel_is_the_pandas_panel(directed, add):
    steps = chain.panel_steps(add)
    assert chain.arrow_ready("cow", directed, steps)
    arrow = tables.arrow_table(chain.arrow_panel("cow", directed, steps, "1975-1977,2013-2016"))
    frame = panels.build_panel("cow", directed, add, "1975-1977,2013-2016")
    assert arrow.schema.equals(to_arrow(frame).schema, check_metadata=True)  # pandas' metadata too: Int8, Int64
    assert arrow.to_pandas().equals(frame)
    assert len(frame) > 10_000


def test_steps_the_arrow_panel_does_not_compute_go_to_build_panel():
    assert not chain.arrow_ready("cow", True, ["atop", "majors"])
    assert not chain.arrow_ready("gw", True, ["igos"])
    assert not chain.arrow_ready("cow", False, ["atop"])  # a non-directed panel folds ATOP's two directions first
    with pytest.raises(InvalidInput, match="unknown panel step"):
        chain.panel_steps("atop,gdp")


def test_arrow_columns_read_from_their_buffers_equal_pyarrows_own():
    values = pa.array([5, None, 7, 8, None, 10, 11, 12, None, 14], type=pa.int32())
    floats = pa.array([0.5, None, np.nan, 2.0, 3.0])
    dates = pa.array([0, None, 20000], type=pa.date32())
    for array in (values, values.slice(3), values.slice(4, 5), pa.chunked_array([values.slice(1, 3), values.slice(6)])):
        got = tables.arrow_column(array)
        expected = (array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array).to_pylist()
        assert isinstance(got, tables.Masked) and got.data.dtype == np.int64
        assert [None if m else int(v) for v, m in zip(got.data, got.mask, strict=True)] == expected
    assert tables.arrow_column(pa.array([1, 2], type=pa.int8())).tolist() == [1, 2]
    got = tables.arrow_column(floats.slice(1))
    assert np.isnan(got[:2]).all() and got[2:].tolist() == [2.0, 3.0]
    assert tables.arrow_column(dates).astype(str).tolist() == ["1970-01-01", "NaT", "2024-10-04"]
    assert tables.arrow_column(pa.array(["a", None])).tolist() == ["a", None]


def test_similarity_columns_from_arrow_equal_the_pandas_api():
    arrow = tables.arrow_table(similarity_columns(tables.reference_table("atop_alliance"),
                                                  measures="taub,s,s_weighted,kappa,pi", years="1913-1914,1990"))
    frame = research.similarity("atop", ["taub", "s", "s_weighted", "kappa", "pi"], "1913-1914,1990")
    assert arrow.to_pandas().equals(frame)


LIGHT = ("import sys; from secnet.cli import main; rc = main(sys.argv[1:]); "
         "print(rc, sorted(m for m in ('pandas', 'pydantic', 'typer', 'click', 'sqlalchemy') if m in sys.modules))")


def light(*args: str) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-c", LIGHT, *args], capture_output=True, text=True, env=os.environ)
    return done.returncode, done.stdout, done.stderr


def test_panel_and_similarity_run_without_pandas_typer_or_pydantic(tmp_path):
    code, out, err = light("panel", "--add", "atop,igos,nmc", "--years", "2000-2001", "--to", str(tmp_path / "p.parquet"),
                           "--format", "json")
    assert code == 0, err
    *answer, last = out.strip().splitlines()
    assert last == "0 []"
    assert json.loads("\n".join(answer))["rows"] == len(pd.read_parquet(tmp_path / "p.parquet"))
    expected = research.panel("cow", True, "atop,igos,nmc", "2000-2001").to_pandas()
    assert pd.read_parquet(tmp_path / "p.parquet").equals(expected)

    code, out, err = light("similarity", "--measure=taub,kappa", "--years", "1990", "--to", str(tmp_path / "s.csv"),
                           "-f", "csv")
    assert code == 0 and out.strip().splitlines()[-1] == "0 []", err
    assert out.splitlines()[0] == "field,value"
    written = pd.read_csv(tmp_path / "s.csv")
    expected = research.similarity("atop", ["taub", "kappa"], 1990)
    assert written[["ccode1", "ccode2", "year"]].equals(expected[["ccode1", "ccode2", "year"]])
    assert np.allclose(written[["taub", "kallyv"]], expected[["taub", "kallyv"]], equal_nan=True, rtol=0, atol=1e-15)


@pytest.mark.parametrize("args, message", [
    (("panel", "--to", "p.parquet", "--years", "abc", "--data-dir", "no-such-dir"), "years 'abc': write a year"),
    (("similarity", "--to", "s.parquet", "--years", "1990", "--data-dir", "no-such-dir"), "peacesciencer data not found"),
    (("panel", "--to", "p.xlsx"), "--to p.xlsx: write .csv"),
    (("similarity", "--to", "s.parquet", "--measure", "tau,nope"), "unknown similarity measure(s) nope"),
])
def test_the_light_path_fails_in_one_line_without_typer(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = light(*args)
    assert err.count("\n") == 1 and err.startswith("secnet: error: ") and message in err, err
    assert out.strip() == "2 []"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (("panel", "--to", "p.parquet", "--format", "xml"), "'xml' is not one of"),
    (("panel", "--to", "p.parquet", "--bogus", "1"), "No such option: --bogus"),
    (("similarity",), "Missing option '--to'"),
])
def test_anything_unusual_goes_to_typer_with_its_usual_errors(run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.code == 2 and res.err.count("\n") == 1 and message in res.err, res.err
    assert list(tmp_path.iterdir()) == []


def test_a_panel_written_slice_by_slice_is_the_whole_panel(tmp_path):
    from secnet.research.output import write_parquet_slices

    steps = chain.panel_steps("atop,igos,nmc")
    rows, makers = chain.panel_slices("cow", True, steps, "1990-1993", rows_per_slice=40_000)
    assert len(makers) == -(-rows // 40_000) > 3
    whole = tables.arrow_table(chain.arrow_panel("cow", True, steps, "1990-1993"))
    _, names = write_parquet_slices([lambda make=make: tables.arrow_table(make()) for make in makers],
                                    tmp_path / "p.parquet")
    assert names == whole.column_names
    assert pa.parquet.ParquetFile(tmp_path / "p.parquet").metadata.num_row_groups == len(makers)
    assert pd.read_parquet(tmp_path / "p.parquet").equals(whole.to_pandas())
    with pytest.raises(Exception, match="was this step applied twice"):
        chain.panel_slices("cow", True, ["nmc", "nmc"], 1990)


@pytest.mark.parametrize("system, directed", [("cow", True), ("cow", False), ("gw", True)])
def test_panel_keys_made_by_slices_are_the_whole_keys(system, directed):
    """Slices cut runs of years anywhere (first row, inside a run, past the end), false dyad-years included."""
    from secnet.research.dyads import dyad_year_key_rows, dyad_year_keys

    names, whole = dyad_year_keys(system, directed)
    same_names, total, rows = dyad_year_key_rows(system, directed)
    assert same_names == names and total == whole.shape[1] > 1_000_000
    rng = np.random.default_rng(7)
    cuts = sorted({0, 1, total - 1, total, *rng.integers(0, total, 40).tolist()})
    for start, stop in zip(cuts, cuts[1:]):
        assert np.array_equal(rows(start, stop), whole[:, start:stop]), (start, stop)
    assert np.array_equal(rows(total - 5, total + 100), whole[:, -5:])
    assert rows(10, 10).shape == (3, 0)


def test_what_was_written_reads_as_a_sentence(tmp_path, run):
    """Table format: where, how many rows, which columns; the light path and Typer (a .dta file) say the same."""
    target = tmp_path / "s.parquet"
    code, out, err = light("similarity", "--measure", "taub", "--years", "1990", "--to", str(target))
    assert code == 0, err
    rows = len(pd.read_parquet(target))
    assert pd.read_parquet(target).equals(research.similarity("atop", ["taub"], 1990))  # written while computed
    assert out.splitlines()[:2] == [f"similarity written to {target}: {rows:,} rows, 4 columns",
                                    "columns: ccode1, ccode2, year, taub"]
    res = run("similarity", "--measure", "taub", "--years", "1990", "--to", str(tmp_path / "s.dta"))
    assert res.code == 0 and res.out.splitlines()[0] == f"similarity written to {tmp_path / 's.dta'}: {rows:,} rows, 4 columns"
