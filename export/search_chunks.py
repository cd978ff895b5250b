"""Re-cut Pagefind's word index into small chunks, so a query fetches little.

Why: Pagefind cuts its sorted word list into chunks of at least 20,000
word positions (a constant in the indexer, no option).  A query fetches,
for each of its words, the whole chunk that holds it.  At 1,000 notices a
rare word (救援, 号, a year) sits in a chunk with a common neighbour of
30,000 positions, so every word of a query cost 20–80 KB and a first query
300–500 KB (issue 15 asks for under 300 KB).  Cut again here, a chunk
closes before it passes ``TARGET_POSITIONS``: a rare word costs a few
hundred bytes, a common word only its own list.

The files are Pagefind's own format (gzip of ``pagefind_dcd`` + CBOR, see
``pagefind-entry.json`` → ``pagefind.<hash>.pf_meta`` → ``index/<hash>.pf_index``);
only the chunk boundaries and the files' names change, the word entries
are copied as they are.  Every file read is re-encoded and compared with
its bytes first: a Pagefind version whose files this module does not
reproduce exactly is left untouched (``False``), search then works as
Pagefind wrote it.  The output depends only on the input (names are
content hashes, gzip without a timestamp), so exports stay reproducible.

One effect on matching: Pagefind extends a query's last word to longer
words found in the chunks it loaded (7 → 72, 737); smaller chunks hold
fewer such neighbours, so a 文号 like ``…〕7号`` no longer pulls in 72号.

The page fragments are renamed too (``short_names``): every query loads
the metadata's list of all pages, each named by its fragment file, and
Pagefind's names (``zh-cn_`` and 7 hex digits) were three quarters of that
list's bytes: 61 KB at 1,000 notices.  A fragment is named instead by the
shortest prefix, at least ``SHORT_NAME`` characters, of its content hash in
base 62 that no other fragment shares: still named by its content (the
site caches fragments for a year, export/serving.py), 50 KB.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"
TARGET_POSITIONS = 2000
SHORT_NAME = 4  # base-62 characters: 24 bits, against the 28 of Pagefind's 7 hex digits
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_HASH_DIGITS = {"chunk": 9, "meta": 13}


class UnknownFormat(Exception):
    """A file this module cannot read and write back byte for byte."""


# --- the subset of CBOR Pagefind writes: unsigned and negative integers, text, arrays ---


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    if at >= len(data):
        raise UnknownFormat("truncated")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        width = 1 << (info - 24)
        value = int.from_bytes(data[at : at + width], "big")
        at += width
    else:
        raise UnknownFormat(f"CBOR length {info}")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major == 3:
        return data[at : at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise UnknownFormat(f"CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise UnknownFormat(f"integer {value}")


def encode(value: Any) -> bytes:
    if isinstance(value, bool):
        raise UnknownFormat("boolean")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    raise UnknownFormat(type(value).__name__)


def read_file(path: Path) -> Any:
    """A Pagefind index or metadata file, checked to encode back to the same bytes."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise UnknownFormat(f"{path.name}: no signature")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw) or encode(value) != raw[len(SIGNATURE) :]:
        raise UnknownFormat(f"{path.name}: not reproduced")
    return value


def packed(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + encode(value), compresslevel=9, mtime=0)


# --- chunks ---


def positions(word: list[Any]) -> int:
    """What Pagefind counts for a word's size: one per page plus one per position in it."""
    return sum(len(page[1]) + 1 for page in word[1])


def cut(words: list[list[Any]], target: int = TARGET_POSITIONS) -> list[list[list[Any]]]:
    """Sorted words into runs that close before passing ``target``; a heavier word stands alone."""
    chunks: list[list[list[Any]]] = []
    current: list[list[Any]] = []
    size = 0
    for word in words:
        weight = positions(word)
        if current and size + weight > target:
            chunks.append(current)
            current, size = [], 0
        current.append(word)
        size += weight
    if current:
        chunks.append(current)
    return chunks


def _shortest_apart(left: str, right: str) -> tuple[str, str]:
    """The shortest prefixes that still tell two neighbouring words apart (the chunk boundaries)."""
    same = 0
    for a, b in zip(left, right, strict=False):  # words of different lengths
        if a != b:
            break
        same += 1
    return left[: same + 1], right[: same + 1]


def bounds(chunks: list[list[list[Any]]]) -> list[list[str]]:
    """[from, to] of each chunk, as Pagefind's browser side looks a query word up in them."""
    out = [[chunk[0][0], chunk[-1][0]] for chunk in chunks]
    for left, right in itertools.pairwise(out):
        left[1], right[0] = _shortest_apart(left[1], right[0])
    return out


def _name(language: str, data: bytes, kind: str) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[: _HASH_DIGITS[kind]]}"


def _base62(data: bytes) -> str:
    number = int.from_bytes(hashlib.sha256(data).digest(), "big")
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(digits)


def short_names(contents: list[bytes], shortest: int = SHORT_NAME) -> list[str]:
    """A name for each content: the shortest prefix of its hash, at least ``shortest`` long, no other one shares."""
    full = [_base62(data) for data in contents]
    ordered = sorted(set(full))
    length = {}
    for n, name in enumerate(ordered):
        needed = shortest
        for other in ordered[max(n - 1, 0) : n + 2]:  # in sorted order the longest shared prefix is a neighbour's
            if other != name:
                same = next((i for i, (a, b) in enumerate(zip(name, other, strict=False)) if a != b), len(name))
                needed = max(needed, same + 1)
        length[name] = needed
    return [name[: length[name]] for name in full]


def _rename_fragments(bundle: Path, pages: list[list[Any]]) -> list[tuple[Path, Path]]:
    """(old, new) fragment paths for the metadata's pages; none when a fragment is missing."""
    folder = bundle / "fragment"
    old = [folder / f"{page[0]}.pf_fragment" for page in pages]
    if not all(path.is_file() for path in old):
        return []
    names = short_names([path.read_bytes() for path in old])
    return [(path, folder / f"{name}.pf_fragment") for path, name in zip(old, names, strict=True)]


def rechunk(bundle: Path, target: int = TARGET_POSITIONS) -> bool:
    """Rewrite the bundle's word index in chunks of about ``target`` positions; False if left as it was."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    plans = []
    try:
        for language, info in entry["languages"].items():
            meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
            meta = read_file(meta_path)
            old = [bundle / "index" / f"{chunk[2]}.pf_index" for chunk in meta[2]]
            words = [word for path in old for word in read_file(path)[0]]
            renames = _rename_fragments(bundle, meta[1])
            plans.append((language, info, meta_path, meta, old, words, renames))
    except (UnknownFormat, KeyError, IndexError, TypeError, OSError, ValueError):
        return False
    for language, info, meta_path, meta, old, words, renames in plans:
        for page, (before, after) in zip(meta[1], renames, strict=False):
            before.rename(after)  # a new directory entry: the bytes, even when shared with the live site, stay
            page[0] = after.name.removesuffix(".pf_fragment")
        chunks = cut(words, target)
        listed = []
        for (first, last), chunk in zip(bounds(chunks), chunks, strict=True):
            data = packed([chunk])
            name = _name(language, data, "chunk")
            (bundle / "index" / f"{name}.pf_index").write_bytes(data)
            listed.append([first, last, name])
        written = {bundle / "index" / f"{name}.pf_index" for _, _, name in listed}
        for path in old:
            if path not in written:
                path.unlink()
        meta[2] = listed
        data = packed(meta)
        info["hash"] = _name(language, data, "meta")
        meta_path.unlink()
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True
