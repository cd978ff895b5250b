"""A ``.gz`` beside a site file: the same bytes and the same decision whether made in memory or on the way to disk."""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pandas as pd
import pytest

from export.compression import COMPRESS_LEVEL, DOWNLOAD_COMPRESS_LEVEL, MIN_COMPRESS_BYTES, compressed, write_with_gz


def _ledger_like(size: int) -> bytes:
    """Compressible text (Chinese, repeated rows) with noise."""
    noise = random.Random(17)
    rows = []
    while sum(map(len, rows)) < size:
        rows.append(f"{len(rows)},东石镇,消防安全专项整治,{noise.getrandbits(64):x},2024-12-31\r\n".encode())
    return b"".join(rows)[:size]


def _in_pieces(data: bytes, size: int) -> Callable[[IO[bytes]], None]:
    def write(out: IO[bytes]) -> None:
        for start in range(0, len(data), size):
            out.write(data[start : start + size])

    return write


@pytest.mark.parametrize("piece", [1, 4_096, 1 << 20], ids=["bytes", "pages", "whole"])
def test_write_with_gz__file_and_gz_as_compressed_gives_them_however_written(piece: int, tmp_path: Path) -> None:
    data = _ledger_like(300_000 if piece == 1 else 3 * (1 << 20) + 12_345)
    path = tmp_path / "all.json"
    assert write_with_gz(path, _in_pieces(data, piece))
    packed = (tmp_path / "all.json.gz").read_bytes()
    assert path.read_bytes() == data
    assert gzip.decompress(packed) == data
    assert packed == compressed(data)
    # What the .gz files have always held: Python 3.11's gzip.compress(data, 6, mtime=0) is exactly this call.
    assert packed == zlib.compress(data, level=6, wbits=31)
    assert packed[4:8] == b"\0\0\0\0", "mtime 0: equal files, equal .gz"


def test_write_with_gz__csv_from_pandas_with_its_bom(tmp_path: Path) -> None:
    days = pd.to_datetime(["2024-12-31", None, "2025-01-01"] * 200)
    frame = pd.DataFrame({"单位": ["东石镇", "=1+1", ""] * 200, "日期": days})
    write_with_gz(tmp_path / "a.csv", lambda out: frame.to_csv(out, encoding="utf-8-sig", index=False))
    frame.to_csv(tmp_path / "b.csv", encoding="utf-8-sig", index=False)
    data = (tmp_path / "b.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "a.csv").read_bytes() == data
    assert (tmp_path / "a.csv.gz").read_bytes() == compressed(data)


@pytest.mark.parametrize(
    "data",
    [
        _ledger_like(MIN_COMPRESS_BYTES - 1),
        random.Random(3).randbytes(64_000),  # random bytes: gzip adds its header and gains nothing
        b"",
    ],
    ids=["too_small", "no_smaller", "empty"],
)
def test_write_with_gz__no_gz_where_compressed_gives_none(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    assert compressed(data) is None
    assert not write_with_gz(path, _in_pieces(data, 1_000))
    assert path.read_bytes() == data
    assert list(tmp_path.iterdir()) == [path], "no .gz"


def test_write_with_gz__smallest_file_worth_one(tmp_path: Path) -> None:
    data = _ledger_like(MIN_COMPRESS_BYTES)
    assert write_with_gz(tmp_path / "file.txt", _in_pieces(data, 100))
    assert (tmp_path / "file.txt.gz").read_bytes() == compressed(data) is not None


def test_write_with_gz__the_downloads_level_as_compressed_gives_it_and_smaller_than_none(tmp_path: Path) -> None:
    data = _ledger_like(2 * (1 << 20))
    assert write_with_gz(tmp_path / "all.csv", _in_pieces(data, 4_096), DOWNLOAD_COMPRESS_LEVEL)
    packed = (tmp_path / "all.csv.gz").read_bytes()
    assert packed == compressed(data, DOWNLOAD_COMPRESS_LEVEL) == zlib.compress(data, level=3, wbits=31)
    assert gzip.decompress(packed) == data
    assert len(compressed(data, COMPRESS_LEVEL) or b"") <= len(packed) < len(data) // 2
