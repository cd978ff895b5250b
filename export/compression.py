"""The one rule for ``.gz`` files beside the site's text files.

Why its own module: the ledger process compresses its files on its own core,
and the serving step compresses the pages; the serving step also needs the
ledger formats, so the rule cannot live in either without an import cycle.
"""

from __future__ import annotations

import gzip

COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".txt", ".csv", ".svg", ".map", ".ics"}
MIN_COMPRESS_BYTES = 512


def compressed(data: bytes) -> bytes | None:
    """The ``.gz`` of a file's bytes, or None when it is not worth one (too small, or no smaller).

    One rule for every writer of ``.gz`` files: :func:`export.serving.compress_file` (pages,
    through :mod:`export.finish`), and the ledger process, which compresses its
    files on its own core while the pages are built (the site's downloads are
    never compressed again).
    zlib's default level 6: on the ledgers' tens of MB of CSV and JSON, level 9
    cost about 30% more CPU for files 0.5% smaller.
    """
    if len(data) < MIN_COMPRESS_BYTES:
        return None
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    return packed if len(packed) < len(data) else None
