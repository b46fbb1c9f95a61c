"""The binary COPY encoder against bytes written out by hand from PostgreSQL's documented format."""

import struct

import numpy as np

from indicators import pgcopy

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
END = b"\xff\xff"


def test_fixed_width_columns_and_null():
    data = pgcopy.encode([pgcopy.int2(np.array([2021, 2022])), pgcopy.float8(np.array([0.155, np.nan]))])
    row1 = struct.pack(">hih", 2, 2, 2021) + struct.pack(">id", 8, 0.155)
    row2 = struct.pack(">hih", 2, 2, 2022) + struct.pack(">i", -1)  # NULL: length -1, no bytes
    assert data == HEADER + row1 + row2 + END


def test_text_json_and_timestamp_columns():
    statuses = pgcopy.text(["green", "red", "green"])
    inputs = pgcopy.jsonb(["{}", '{"gdp": 1100.0}', "{}"])
    # 2000-01-01 00:00:01 UTC is one second after PostgreSQL's epoch.
    computed = pgcopy.timestamptz(pgcopy.POSTGRES_EPOCH_US + 1_000_000, 3)
    data = pgcopy.encode([statuses, inputs, computed])
    expected = HEADER
    for status, text in [(b"green", b"{}"), (b"red", b'{"gdp": 1100.0}'), (b"green", b"{}")]:
        expected += struct.pack(">h", 3)
        expected += struct.pack(">i", len(status)) + status
        expected += struct.pack(">i", len(text) + 1) + b"\x01" + text
        expected += struct.pack(">iq", 8, 1_000_000)
    assert data == expected + END


def test_bigint_from_floats_with_nan_as_null():
    data = pgcopy.encode([pgcopy.int8(np.array([7.0, np.nan]))])
    assert data == HEADER + struct.pack(">hiq", 1, 8, 7) + struct.pack(">hi", 1, -1) + END
