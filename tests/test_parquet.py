"""Parquet written by several threads (research/parquet.py) is one ordinary file that every reader reads back the same."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from secnet.research import parquet as P


def a_table(rows: int) -> pa.Table:
    """Integers, nullable integers, reals with NaN and nulls, text, and pandas' metadata (Int8, Int64)."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "ccode1": np.repeat(np.arange(rows // 100 + 1), 100)[:rows],
        "year": np.tile(np.arange(1816, 1916), rows // 100 + 1)[:rows],
        "flag": pd.array(rng.integers(0, 2, rows), dtype="Int8"),
        "count": pd.array(np.where(rng.random(rows) < 0.1, None, rng.integers(0, 10**6, rows)), dtype="Int64"),
        "real": np.where(rng.random(rows) < 0.05, np.nan, rng.random(rows)),
        "name": rng.choice(["USA", "GBR", "Côte d'Ivoire"], rows),
    })
    table = pa.Table.from_pandas(frame, preserve_index=False)
    mask = np.zeros(rows, dtype=bool)
    mask[::97] = True
    return table.set_column(4, "real", pa.array(frame["real"].to_numpy(), mask=mask))


@pytest.mark.parametrize("threads, row_group_size", [(2, P.ROW_GROUP), (3, P.ROW_GROUP), (2, 100_000)])
def test_the_spliced_file_reads_back_as_the_table(tmp_path, threads, row_group_size):
    table = a_table(700_000)
    ours, theirs = tmp_path / "ours.parquet", tmp_path / "theirs.parquet"
    P.write_parquet(table, ours, threads=threads, row_group_size=row_group_size)
    pq.write_table(table, theirs)

    meta = pq.ParquetFile(ours).metadata
    assert meta.num_rows == 700_000
    assert meta.num_row_groups == (threads if row_group_size == P.ROW_GROUP else 8)
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)][-1] > 0
    back = pq.read_table(ours)
    assert back.schema.equals(table.schema, check_metadata=True)
    assert back.to_pandas().equals(pd.read_parquet(theirs))
    assert pd.read_parquet(ours).equals(table.to_pandas())
    assert (pd.read_parquet(ours).dtypes == pd.read_parquet(theirs).dtypes).all()
    assert back.column("real").null_count == table.column("real").null_count > 0
    for i in range(meta.num_row_groups):  # every row group on its own, from its own offsets
        assert pq.ParquetFile(ours).read_row_group(i).num_rows == meta.row_group(i).num_rows
    query = "select count(*), sum(count), count(real), sum(flag), count(distinct name), max(year) from '{}'"
    assert duckdb.sql(query.format(ours)).fetchall() == duckdb.sql(query.format(theirs)).fetchall()


def test_small_tables_and_one_thread_are_written_the_ordinary_way(tmp_path):
    table = a_table(1000)
    P.write_parquet(table, tmp_path / "small.parquet", threads=4)
    P.write_parquet(a_table(700_000), tmp_path / "one.parquet", threads=1)
    assert pq.ParquetFile(tmp_path / "small.parquet").metadata.num_row_groups == 1
    assert pd.read_parquet(tmp_path / "small.parquet").equals(table.to_pandas())
    assert pq.ParquetFile(tmp_path / "one.parquet").metadata.num_row_groups == 1


def test_the_thrift_reader_and_writer_give_back_pyarrows_footer_byte_for_byte(tmp_path):
    pq.write_table(a_table(5000), tmp_path / "f.parquet", row_group_size=1000)
    raw = (tmp_path / "f.parquet").read_bytes()
    length = int.from_bytes(raw[-8:-4], "little")
    footer = raw[-8 - length:-8]
    fields, end = P._read_struct(footer, 0)
    assert end == len(footer)
    out = bytearray()
    P._write_struct(out, fields)
    assert bytes(out) == footer
    assert P._get(fields, P._FMD_NUM_ROWS) == 5000 and len(P._get(fields, P._FMD_ROW_GROUPS)[1]) == 5


def test_parts_that_point_elsewhere_are_not_spliced():
    """A page index lives outside the row groups: such parts are written the ordinary way."""
    table = a_table(2000)
    parts = []
    for piece in (table.slice(0, 1000), table.slice(1000)):
        sink = pa.BufferOutputStream()
        pq.write_table(piece, sink, write_page_index=True)
        parts.append(sink.getvalue())
    assert P._splice(parts) is None
    plain = [P._encode(piece, P.ROW_GROUP) for piece in (table.slice(0, 1000), table.slice(1000))]
    assert P._splice(plain) is not None


def test_a_streamed_write_encodes_slices_as_the_rows_are_done(tmp_path):
    """The similarity of 1990-1992 streamed year by year is the file written whole; each slice waited for its rows."""
    from secnet.research.output import write_arrow, write_parquet_streamed
    from secnet.research.similarity_panel import similarity_columns
    from secnet.research.tables import arrow_table, reference_table

    alliances = reference_table("atop_alliance")
    seen: list[tuple[int, int]] = []

    def produce(ready):
        def noted(columns, done, total):
            seen.append((done, total))
            ready(columns, done, total)

        return similarity_columns(alliances, measures="taub,kappa", years="1990-1992", ready=noted)

    path, rows, names = write_parquet_streamed(produce, tmp_path / "s.parquet", slices=3)
    whole = arrow_table(similarity_columns(alliances, measures="taub,kappa", years="1990-1992"))
    write_arrow(whole, tmp_path / "whole.parquet")
    assert rows == whole.num_rows and names == whole.column_names == ["ccode1", "ccode2", "year", "taub", "kallyv"]
    assert pd.read_parquet(path).equals(pd.read_parquet(tmp_path / "whole.parquet"))
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert seen[0] == (0, rows) and [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] == rows
    assert len(seen) == 4  # allocated, then one call per year


def test_a_streamed_write_whose_computation_fails_leaves_nothing(tmp_path):
    from secnet.research.output import write_parquet_streamed

    def produce(ready):
        columns = {"year": np.arange(1000, dtype=np.int64)}
        ready(columns, 0, 1000)
        ready(columns, 400, 1000)  # the first slice may be encoded already
        raise RuntimeError("the computation broke")

    with pytest.raises(RuntimeError, match="the computation broke"):
        write_parquet_streamed(produce, tmp_path / "s.parquet", slices=4)
    assert list(tmp_path.iterdir()) == []

    # a computation that never reports progress is written when it returns
    path, rows, names = write_parquet_streamed(lambda ready: {"year": np.arange(10, dtype=np.int64)},
                                               tmp_path / "t.parquet")
    assert (rows, names) == (10, ["year"]) and pd.read_parquet(path)["year"].tolist() == list(range(10))


def test_prefaulting_an_array_leaves_its_values_alone():
    import threading

    from secnet.research.output import prefault

    values = np.empty(3_000_000)
    values[:1000] = np.arange(1000)  # written before
    filler = threading.Thread(target=lambda: values[1000:].__setitem__(slice(None), 7.0))
    filler.start()
    prefault([values, values[::-1], values[::2]])  # while another thread writes; views are skipped
    filler.join()
    assert np.array_equal(values[:1000], np.arange(1000)) and (values[1000:] == 7.0).all()
