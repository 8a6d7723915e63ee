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
