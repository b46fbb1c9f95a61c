"""PostgreSQL's binary COPY format, built column-wise with numpy. Plain Python: no Django, no database.

Why: the recompute writes hundreds of thousands of result rows. Formatting them as text costs more
than computing them (pandas' to_csv and PostgreSQL's float parsing), and one Python call per row is
slower still. Here every column is encoded with a few array operations, whatever the row count.

Format (PostgreSQL docs, "COPY ... BINARY"): a header, then per row a 16-bit field count and per field
a 32-bit byte length (-1 for NULL) followed by the bytes, all big-endian; a 16-bit -1 ends the data.
"""

import numpy as np
import pandas as pd

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # no flags, no extension
TRAILER = b"\xff\xff"
POSTGRES_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01 00:00 UTC in microseconds since 1970


def int8(values):
    """A bigint column; NULL where `values` is masked (pass a float array with NaN for NULL)."""
    return _fixed(values, ">i8")


def int2(values):
    return _fixed(values, ">i2")


def float8(values):
    """A double precision column; NaN becomes NULL."""
    return _fixed(values, ">f8")


def timestamptz(microseconds_since_1970, count):
    """The same instant on every row (e.g. computed_at)."""
    return _constant(np.array([microseconds_since_1970 - POSTGRES_EPOCH_US], dtype=">i8").tobytes(), count)


def text(values):
    """A text/varchar column from an array of a few distinct strings (codes such as statuses)."""
    return _categorical(values, lambda value: str(value).encode())


def jsonb(values):
    """A jsonb column from an array of JSON texts (version byte 1, then the text)."""
    return _categorical(values, lambda value: b"\x01" + str(value).encode())


def encode(columns):
    """The whole COPY payload (bytes) for columns made by the functions above, in table order."""
    count = len(columns[0]["lengths"])
    sizes = np.full(count, 2, dtype=np.int64)
    for column in columns:
        sizes += 4 + np.maximum(column["lengths"], 0)
    starts = len(SIGNATURE) + np.concatenate(([0], np.cumsum(sizes)[:-1]))
    buffer = np.zeros(len(SIGNATURE) + int(sizes.sum()) + len(TRAILER), dtype=np.uint8)
    buffer[: len(SIGNATURE)] = np.frombuffer(SIGNATURE, dtype=np.uint8)
    buffer[-len(TRAILER) :] = np.frombuffer(TRAILER, dtype=np.uint8)
    _put(buffer, starts, np.full(count, len(columns), dtype=">i2"))
    position = starts + 2
    for column in columns:
        _put(buffer, position, column["lengths"].astype(">i4"))
        position = position + 4
        column["write"](buffer, position)
        position = position + np.maximum(column["lengths"], 0)
    return buffer.tobytes()


def _put(buffer, offsets, values):
    """Writes fixed-size big-endian values at the given byte offsets."""
    width = values.dtype.itemsize
    buffer[offsets[:, None] + np.arange(width)] = values.view(np.uint8).reshape(-1, width)


def _fixed(values, dtype):
    values = np.asarray(values)
    present = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(len(values), dtype=bool)
    width = np.dtype(dtype).itemsize
    encoded = np.where(present, values, 0).astype(dtype)

    def write(buffer, offsets):
        _put(buffer, offsets[present], encoded[present])

    return {"lengths": np.where(present, width, -1).astype(np.int64), "write": write}


def _constant(payload, count):
    row = np.frombuffer(payload, dtype=np.uint8)

    def write(buffer, offsets):
        buffer[offsets[:, None] + np.arange(len(row))] = row

    return {"lengths": np.full(count, len(row), dtype=np.int64), "write": write}


def _categorical(values, to_bytes):
    """Few distinct values: each is encoded once and written to the group of rows that share it."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    categories = [to_bytes(value) for value in uniques]
    lengths = np.array([len(c) for c in categories], dtype=np.int64)[codes]

    def write(buffer, offsets):
        for code, payload in enumerate(categories):
            if payload:
                rows = offsets[codes == code]
                buffer[rows[:, None] + np.arange(len(payload))] = np.frombuffer(payload, dtype=np.uint8)

    return {"lengths": lengths, "write": write}
