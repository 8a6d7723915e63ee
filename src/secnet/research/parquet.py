"""Parquet written by several threads: row slices encoded at once, spliced into one file.

pyarrow's Parquet writer encodes one column after another on one thread
(about 20 ms per column of two million values here), so a 24-column panel
spends half a second in it. :func:`write_parquet` cuts the table into row
slices, encodes each slice as a Parquet file in memory on its own thread
(pyarrow releases the GIL while it encodes), and joins them into one
ordinary Parquet file: each slice becomes a row group.

A Parquet file is ``PAR1``, the column chunks of each row group, then the
footer (a Thrift ``FileMetaData`` in the compact protocol), its length and
``PAR1``. Joining keeps every slice's column chunks byte for byte, one after
the other, and writes one footer: the first slice's, with every row group
listed, their byte offsets moved by where their slice now starts, their
ordinals renumbered and the total row count. The file carries the same
schema and key-value metadata (pandas' and Arrow's) as one written by
``pyarrow.parquet.write_table``, so pyarrow, pandas and DuckDB read back the
same table (``tests/test_parquet.py``). Slices whose footers hold anything
that points elsewhere in the file (page indexes, Bloom filters, encryption)
are not joined: the table is then written the ordinary way.

Format reference: Apache Parquet, ``parquet.thrift`` (FileMetaData, RowGroup,
ColumnChunk, ColumnMetaData); Apache Thrift compact protocol specification.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

#: Rows per row group, as pyarrow's default.
ROW_GROUP = 1024 * 1024
#: Below this many cells (rows x columns) one thread is as quick.
_SMALL = 2_000_000
_MAGIC = b"PAR1"

# Thrift compact protocol types.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)

# Field ids in parquet.thrift.
_FMD_NUM_ROWS, _FMD_ROW_GROUPS = 3, 4
_RG_COLUMNS, _RG_FILE_OFFSET, _RG_ORDINAL = 1, 5, 7
_CC_FILE_PATH, _CC_FILE_OFFSET, _CC_META = 1, 2, 3
_CC_ELSEWHERE = (4, 6, 8, 9)  # offset index, column index, crypto metadata, encrypted metadata
_CMD_OFFSETS = (9, 10, 11)  # data page, index page, dictionary page
_CMD_BLOOM = 14


def write_parquet(table: pa.Table, where: str | os.PathLike[str], *, threads: int | None = None,
                  row_group_size: int = ROW_GROUP) -> None:
    """Write ``table`` to the file ``where`` as Parquet, its row slices encoded in parallel.

    ``threads`` defaults to the number of CPUs (at most 8). The file has one
    row group per slice (a slice longer than ``row_group_size`` rows gets
    several) and otherwise the options of ``pyarrow.parquet.write_table``.
    """
    threads = _threads(threads)
    rows = table.num_rows
    if threads == 1 or rows * max(table.num_columns, 1) < _SMALL:
        pq.write_table(table, where, write_page_index=False)
        return
    parts = max(threads, math.ceil(rows / ROW_GROUP))
    step = math.ceil(rows / parts)
    slices = [lambda start=start: table.slice(start, step) for start in range(0, rows, step)]
    write_parquet_slices(slices, where, threads=threads, row_group_size=row_group_size)


def write_parquet_slices(slices: Sequence[Callable[[], pa.Table]], where: str | os.PathLike[str], *,
                         threads: int | None = None, row_group_size: int = ROW_GROUP) -> None:
    """Write the tables ``slices`` make, one after the other, as one Parquet file.

    Each slice is made and encoded on a worker thread and then let go, so a
    table that is built slice by slice is never whole in memory. The slices
    must share one schema (metadata included). Should the encoded slices not
    splice (see the module docstring), they are made again and written one
    by one with ``pyarrow.parquet.ParquetWriter``: the same file, slower.
    """
    if not slices:
        raise ValueError("write_parquet_slices: no slices")
    threads = _threads(threads)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="secnet-parquet") as pool:
        encoded = list(pool.map(lambda make: _encode(make(), row_group_size), slices))
    footer_and_regions = _splice(encoded)
    if footer_and_regions is None:
        writer = None
        try:
            for make in slices:
                part = make()
                if writer is None:
                    writer = pq.ParquetWriter(where, part.schema, write_page_index=False)
                writer.write_table(part, row_group_size=row_group_size)
        finally:
            if writer is not None:
                writer.close()
        return
    footer, regions = footer_and_regions
    with open(where, "wb") as sink:
        sink.write(_MAGIC)
        for region in regions:
            sink.write(region)
        sink.write(footer)
        sink.write(struct.pack("<I", len(footer)))
        sink.write(_MAGIC)


def _threads(threads: int | None) -> int:
    return min(os.cpu_count() or 1, 8) if threads is None else max(1, int(threads))


def _encode(part: pa.Table, row_group_size: int) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    pq.write_table(part, sink, row_group_size=row_group_size, write_page_index=False)
    return sink.getvalue()


def _splice(parts: list[pa.Buffer]) -> tuple[bytes, list[memoryview]] | None:
    """The joined footer and each part's column-chunk bytes; None if a part cannot be moved."""
    regions, groups, first = [], [], None
    base = len(_MAGIC)
    for buffer in parts:
        view = memoryview(buffer)
        if bytes(view[:4]) != _MAGIC or bytes(view[-4:]) != _MAGIC:
            return None
        length = struct.unpack("<I", view[-8:-4])[0]
        end = len(view) - 8 - length
        meta, _ = _read_struct(bytes(view[end:-8]), 0)
        fields = dict((fid, value) for fid, _, value in meta)
        if first is None:
            first = meta
        elif [f for f in meta if f[0] not in (_FMD_NUM_ROWS, _FMD_ROW_GROUPS)] != \
                [f for f in first if f[0] not in (_FMD_NUM_ROWS, _FMD_ROW_GROUPS)]:
            return None  # slices disagree on schema or metadata
        shift = base - len(_MAGIC)
        for group in fields[_FMD_ROW_GROUPS][1]:
            if not _move_row_group(group, shift, len(groups)):
                return None
            groups.append(group)
        regions.append(view[len(_MAGIC):end])
        base += end - len(_MAGIC)
    total = sum(_get(g, 3) for g in groups)
    footer = [[fid, kind, value] for fid, kind, value in first]
    for field in footer:
        if field[0] == _FMD_NUM_ROWS:
            field[2] = total
        elif field[0] == _FMD_ROW_GROUPS:
            field[2] = (_STRUCT, groups)
    out = bytearray()
    _write_struct(out, footer)
    return bytes(out), regions


def _get(fields: list, fid: int, default: Any = None) -> Any:
    for f, _, value in fields:
        if f == fid:
            return value
    return default


def _move_row_group(group: list, shift: int, ordinal: int) -> bool:
    """Shift a row group's byte offsets by ``shift`` and give it ``ordinal``; False if it cannot move."""
    for field in group:
        if field[0] == _RG_FILE_OFFSET:
            field[2] += shift
        elif field[0] == _RG_ORDINAL:
            field[2] = ordinal
        elif field[0] == _RG_COLUMNS:
            for chunk in field[2][1]:
                for part in chunk:
                    if part[0] in _CC_ELSEWHERE or part[0] == _CC_FILE_PATH:
                        return False
                    if part[0] == _CC_FILE_OFFSET:
                        part[2] += shift
                    elif part[0] == _CC_META:
                        for meta in part[2]:
                            if meta[0] == _CMD_BLOOM:
                                return False
                            if meta[0] in _CMD_OFFSETS:
                                meta[2] += shift
    return True


# ---------------------------------------------------------------------------
# Thrift compact protocol: a struct is a list of [field id, type, value].


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _unzigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _read_value(data: bytes, pos: int, kind: int, in_list: bool = False) -> tuple[Any, int]:
    if kind in (_TRUE, _FALSE):
        if in_list:
            return data[pos] == _TRUE, pos + 1
        return kind == _TRUE, pos
    if kind == _BYTE:
        return struct.unpack_from("<b", data, pos)[0], pos + 1
    if kind in (_I16, _I32, _I64):
        n, pos = _varint(data, pos)
        return _unzigzag(n), pos
    if kind == _DOUBLE:
        return struct.unpack_from("<d", data, pos)[0], pos + 8
    if kind == _BINARY:
        n, pos = _varint(data, pos)
        return data[pos : pos + n], pos + n
    if kind in (_LIST, _SET):
        head = data[pos]
        pos += 1
        size, element = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(data, pos)
        items = []
        for _ in range(size):
            item, pos = _read_value(data, pos, element, in_list=True)
            items.append(item)
        return (element, items), pos
    if kind == _MAP:
        size, pos = _varint(data, pos)
        if size == 0:
            return (0, 0, []), pos
        types = data[pos]
        pos += 1
        pairs = []
        for _ in range(size):
            key, pos = _read_value(data, pos, types >> 4, in_list=True)
            value, pos = _read_value(data, pos, types & 0x0F, in_list=True)
            pairs.append((key, value))
        return (types >> 4, types & 0x0F, pairs), pos
    if kind == _STRUCT:
        return _read_struct(data, pos)
    raise ValueError(f"unknown Thrift compact type {kind}")


def _read_struct(data: bytes, pos: int) -> tuple[list, int]:
    fields, last = [], 0
    while True:
        head = data[pos]
        pos += 1
        if head == 0:
            return fields, pos
        delta, kind = head >> 4, head & 0x0F
        if delta:
            fid = last + delta
        else:
            n, pos = _varint(data, pos)
            fid = _unzigzag(n)
        value, pos = _read_value(data, pos, kind)
        fields.append([fid, kind, value])
        last = fid


def _put_varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _write_value(out: bytearray, kind: int, value: Any, in_list: bool = False) -> None:
    if kind in (_TRUE, _FALSE):
        if in_list:
            out.append(_TRUE if value else _FALSE)
    elif kind == _BYTE:
        out += struct.pack("<b", value)
    elif kind in (_I16, _I32, _I64):
        _put_varint(out, _zigzag(value))
    elif kind == _DOUBLE:
        out += struct.pack("<d", value)
    elif kind == _BINARY:
        _put_varint(out, len(value))
        out += value
    elif kind in (_LIST, _SET):
        element, items = value
        if len(items) < 15:
            out.append((len(items) << 4) | element)
        else:
            out.append(0xF0 | element)
            _put_varint(out, len(items))
        for item in items:
            _write_value(out, element, item, in_list=True)
    elif kind == _MAP:
        key_kind, value_kind, pairs = value
        _put_varint(out, len(pairs))
        if pairs:
            out.append((key_kind << 4) | value_kind)
            for key, item in pairs:
                _write_value(out, key_kind, key, in_list=True)
                _write_value(out, value_kind, item, in_list=True)
    elif kind == _STRUCT:
        _write_struct(out, value)
    else:
        raise ValueError(f"unknown Thrift compact type {kind}")


def _write_struct(out: bytearray, fields: list) -> None:
    last = 0
    for fid, kind, value in fields:
        wire = (_TRUE if value else _FALSE) if kind in (_TRUE, _FALSE) else kind
        if 0 < fid - last <= 15:
            out.append(((fid - last) << 4) | wire)
        else:
            out.append(wire)
            _put_varint(out, _zigzag(fid))
        _write_value(out, kind, value)
        last = fid
    out.append(0)
