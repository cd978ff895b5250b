"""The one rule for ``.gz`` files beside the site's text files, and the one way they are compressed.

Why its own module: the ledger process compresses its files on its own core,
and the serving step compresses the pages; the serving step also needs the
ledger formats, so the rule cannot live in either without an import cycle.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".txt", ".csv", ".svg", ".map", ".ics"}
MIN_COMPRESS_BYTES = 512
# zlib's default level, for pages, scripts and styles: on the ledgers' tens of MB of CSV
# and JSON, level 9 cost about 30% more CPU for files 0.5% smaller.
COMPRESS_LEVEL = 6
# The ledger downloads' ``.gz``: 800 MB of CSV and JSON at 1,000 notices, written on every full
# export, fetched now and then by staff.  Level 3 (zlib's fast strategy) took half the CPU of
# level 6 on the largest (168 MB of JSON: 0.5 s vs 1.06 s) for a file 1.5x as large (8.9 vs
# 5.9 MB; CSV 4.2 vs 3.3 MB): about 5 s less CPU per full export (issue 17).
DOWNLOAD_COMPRESS_LEVEL = 3
# zlib's own gzip wrapper: mtime 0, no file name, OS byte 3 (what gzip.compress(…, mtime=0) wrote on Python 3.11).
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def _packer(level: int) -> zlib._Compress:
    """The compressor every ``.gz`` comes from, so a file's ``.gz`` has the same bytes however it is fed."""
    return zlib.compressobj(level, zlib.DEFLATED, _GZIP_WBITS)


def _worth(size: int, packed_size: int) -> bool:
    """Whether a ``.gz`` of ``packed_size`` bytes is worth writing beside a file of ``size`` bytes."""
    return size >= MIN_COMPRESS_BYTES and packed_size < size


def compressed(data: bytes, level: int = COMPRESS_LEVEL) -> bytes | None:
    """The ``.gz`` of a file's bytes, or None when it is not worth one (too small, or no smaller).

    One rule for every writer of ``.gz`` files: :func:`export.serving.compress_file` (pages,
    through :mod:`export.finish`), and the ledger process (:func:`write_with_gz`),
    which compresses its files on its own core while the pages are built (the
    site's downloads are never compressed again).
    """
    if len(data) < MIN_COMPRESS_BYTES:
        return None
    packer = _packer(level)
    packed = packer.compress(data) + packer.flush()
    return packed if _worth(len(data), len(packed)) else None


class CompressingFile(io.BufferedIOBase):
    """A binary file that passes every write on to ``raw`` and compresses it on the way.

    :meth:`packed` is then what :func:`compressed` gives for the bytes
    written, without them ever being whole in memory: only their ``.gz``
    is (6 MB for the largest ledger's 160 MB of JSON at 1,000 notices).
    """

    def __init__(self, raw: IO[bytes], level: int = COMPRESS_LEVEL) -> None:
        super().__init__()
        self._raw = raw
        self._packer = _packer(level)
        self._pieces: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        written = self._raw.write(data)
        self._size += written
        self._pieces.append(self._packer.compress(data))
        return written

    def packed(self) -> bytes | None:
        """The ``.gz`` of everything written, or None where :func:`compressed` gives none; call once, at the end."""
        self._pieces.append(self._packer.flush())
        packed = b"".join(self._pieces)
        self._pieces = []
        return packed if _worth(self._size, len(packed)) else None


def write_with_gz(path: Path, write: Callable[[IO[bytes]], None], level: int = COMPRESS_LEVEL) -> bool:
    """Write ``path`` by ``write``, and beside it the ``.gz`` :func:`compressed` would give; True if one was written.

    Why compressed on the way: reading each of the ledger process's 3,000
    files back cost an ``open`` each, and holding the file's bytes to
    compress them was most of its peak memory (issue 17).  Whether the
    ``.gz`` is worth it is known only at the end, so it is written then.
    """
    with path.open("wb") as handle:
        sink = CompressingFile(handle, level)
        write(cast(IO[bytes], sink))  # a binary file for every writer of a compressed format (no seeking)
    packed = sink.packed()
    if packed is None:
        return False
    path.with_name(path.name + ".gz").write_bytes(packed)
    return True
