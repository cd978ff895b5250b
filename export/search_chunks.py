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
are copied as they are, byte for byte (:func:`scan_words`: only each
word's text and size are read, its position lists are skipped by a regular
expression; decoding them into Python lists and encoding them again took
11.6 s of a full export at 1,000 notices, as long as Pagefind itself).  A
file is only used when it is in the CBOR subset Pagefind writes, every
head in its shortest form, so copying and re-encoding give the same bytes;
a Pagefind version whose files are not is left untouched (``False``), search
then works as Pagefind wrote it.  The output depends only on the input (names are
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

import functools
import gzip
import hashlib
import itertools
import json
import os
import re
import struct
from pathlib import Path
from typing import Any, NamedTuple

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


# --- word entries as bytes ---


class Word(NamedTuple):
    """One entry of the word index: its text, its size as Pagefind counts it, and its CBOR bytes."""

    text: str
    weight: int
    raw: bytes


# One CBOR integer (major type 0 or 1) in its shortest form.
_INTEGER = (
    rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38][\x18-\xff]|[\x19\x39][\x01-\xff][\x00-\xff]"
    rb"|[\x1a\x3a](?!\x00\x00)[\x00-\xff]{4}|[\x1b\x3b](?!\x00\x00\x00\x00)[\x00-\xff]{8})"
)


@functools.cache
def _integers(count: int) -> re.Pattern[bytes]:
    return re.compile(_INTEGER + b"{%d}" % count)


def _read_head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, value, next offset) of the head at ``at``; only shortest forms are accepted."""
    if at >= len(data):
        raise UnknownFormat("truncated")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        return major, info, at
    if info > 27:
        raise UnknownFormat(f"CBOR length {info}")
    width = 1 << (info - 24)
    value = int.from_bytes(data[at : at + width], "big")
    if at + width > len(data) or value < (24 if width == 1 else 1 << (4 * width)):
        raise UnknownFormat("not in shortest form")
    return major, value, at + width


def _skip(data: bytes, at: int, count: int = 1) -> int:
    """Offset after ``count`` items from ``at`` (integers, text, arrays in shortest form)."""
    while count:
        count -= 1
        major, value, at = _read_head(data, at)
        if major == 3:
            at += value
        elif major == 4:
            count += value
        elif major > 1:
            raise UnknownFormat(f"CBOR major type {major}")
    if at > len(data):
        raise UnknownFormat("truncated")
    return at


def _array(data: bytes, at: int) -> tuple[int, int]:
    major, value, at = _read_head(data, at)
    if major != 4:
        raise UnknownFormat("array expected")
    return value, at


class Posting(NamedTuple):
    """One page of a word entry: the page's number, its count of positions, the entry's bytes after the number."""

    page: int
    places: int
    items: int  # fields of the page entry: the number, the positions, and what Pagefind adds after them
    tail: bytes


def _small(data: bytes, at: int, major: int) -> tuple[int, int] | None:
    """(value, next offset) of a head of type ``major`` under 65,536 in shortest form; None for any other."""
    info = data[at] - (major << 5)
    if 0 <= info < 24:
        return info, at + 1
    if info == 24 and data[at + 1] >= 24:
        return data[at + 1], at + 2
    if info == 25 and data[at + 1]:
        return data[at + 1] << 8 | data[at + 2], at + 3
    return None


def _pages(raw: bytes, at: int, count: int, found: list[Posting] | None = None) -> tuple[int, int]:
    """(weight, next offset) of ``count`` page entries ``[page, [position…], …]`` from ``at``.

    With ``found``, each page is appended to it as a :class:`Posting`.  Why by
    hand: 400,000 pages per bundle at 1,000 notices, read on every
    re-cut and patch; the common heads are read inline, anything else
    through :func:`_read_head`.
    """
    weight = 0
    try:
        for _ in range(count):
            head = _small(raw, at, 4)
            items, at = head if head is not None else _array(raw, at)
            number = _small(raw, at, 0)
            if number is None:
                major, step, at = _read_head(raw, at)
                if major != 0:
                    raise UnknownFormat("page number")
            else:
                step, at = number
            start = at
            head = _small(raw, at, 4)
            places, at = head if head is not None else _array(raw, at)
            match = _integers(places).match(raw, at)
            if match is None or items < 2:
                raise UnknownFormat("page entry")
            at = match.end()
            if items > 2:
                at = _skip(raw, at, items - 2)
            weight += places + 1
            if found is not None:  # page numbers are stored as the step from the previous page
                if step == 0 and found:
                    raise UnknownFormat("pages out of order")
                page = step + found[-1].page if found else step
                found.append(Posting(page, places, items, raw[start:at]))
    except IndexError as error:
        raise UnknownFormat("truncated") from error
    return weight, at


def scan_words(raw: bytes, pages_of: list[list[Posting]] | None = None) -> list[Word]:
    """The word entries of an index file's CBOR (after the signature), each with its own bytes.

    An entry is ``[word, [[page, [positions…], …], …], …]``; its weight is
    what Pagefind counts for a word's size, one per page plus one per
    position, read from the heads of its position lists.  ``pages_of``:
    each word's pages are appended to it too, for a patch (page numbers as such, not as stored).
    """
    fields, at = _array(raw, 0)
    count, at = _array(raw, at)
    if fields < 1:
        raise UnknownFormat("no word list")
    words = []
    for _ in range(count):
        start = at
        parts, at = _array(raw, at)
        major, length, at = _read_head(raw, at)
        if major != 3 or parts < 2:
            raise UnknownFormat("word entry")
        text = raw[at : at + length].decode("utf-8")
        pages, at = _array(raw, at + length)
        found: list[Posting] | None = None if pages_of is None else []
        weight, at = _pages(raw, at, pages, found)
        rest = at
        at = _skip(raw, at, parts - 2)
        if found is not None and pages_of is not None:
            if raw[rest:at] != _head(4, 0) * (parts - 2):  # lists of metadata matches: never patched
                raise UnknownFormat("word entry")
            pages_of.append(found)
        words.append(Word(text, weight, raw[start:at]))
    if _skip(raw, at, fields - 1) != len(raw):
        raise UnknownFormat("trailing bytes")
    return words


def read_words(path: Path, pages_of: list[list[Posting]] | None = None) -> list[Word]:
    """The word entries of one ``.pf_index`` file (see :func:`scan_words`)."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise UnknownFormat(f"{path.name}: no signature")
    return scan_words(raw[len(SIGNATURE) :], pages_of)


def chunk_body(words: list[Word]) -> bytes:
    """The CBOR of an index file holding ``words`` (``[[word, …]]``), from their bytes."""
    return _head(4, 1) + _head(4, len(words)) + b"".join(word.raw for word in words)


def packed_words(words: list[Word]) -> bytes:
    """An index file holding ``words``: what :func:`packed` makes of ``[[word, …]]``."""
    return _packed_body(chunk_body(words))


def _packed_body(body: bytes) -> bytes:
    return gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0)


# --- a word's pages, for an index patched in place (export/search_patch.py) ---


def fields(word: Word) -> int:
    """How many fields a word entry has (2, or 3 with Pagefind's empty list for metadata matches)."""
    parts, _ = _array(word.raw, 0)
    return parts


def word_entry(text: str, pages: list[Posting], fields: int = 2) -> Word:
    """The entry Pagefind writes for ``text`` on ``pages`` (in page order), as :func:`scan_words` reads it."""
    data = text.encode("utf-8")
    parts = [_head(4, fields), _head(3, len(data)), data, _head(4, len(pages))]
    previous = None
    for posting in pages:
        step = posting.page if previous is None else posting.page - previous
        if step <= 0 and previous is not None:
            raise UnknownFormat("pages out of order")
        parts += [_head(4, posting.items), _head(0, step), posting.tail]
        previous = posting.page
    parts.append(_head(4, 0) * (fields - 2))
    return Word(text, sum(posting.places + 1 for posting in pages), b"".join(parts))


# --- chunks ---


def cut(words: list[Word], target: int = TARGET_POSITIONS) -> list[list[Word]]:
    """Sorted words into runs that close before passing ``target``; a heavier word stands alone."""
    chunks: list[list[Word]] = []
    current: list[Word] = []
    size = 0
    for word in words:
        weight = word.weight
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


def bounds(chunks: list[list[Word]]) -> list[list[str]]:
    """[from, to] of each chunk, as Pagefind's browser side looks a query word up in them."""
    out = [[chunk[0].text, chunk[-1].text] for chunk in chunks]
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
            words = [word for path in old for word in read_words(path)]
            renames = _rename_fragments(bundle, meta[1])
            plans.append((language, info, meta_path, meta, old, words, renames))
    except (UnknownFormat, KeyError, IndexError, TypeError, OSError, ValueError):
        return False
    for language, info, meta_path, meta, old, words, renames in plans:
        for page, (before, after) in zip(meta[1], renames, strict=False):
            before.rename(after)  # a new directory entry: the bytes, even when shared with the live site, stay
            page[0] = after.name.removesuffix(".pf_fragment")
        meta_path.unlink()
        info["hash"] = write_index(bundle, language, meta, words, old, target=target)
    write_entry(bundle, entry)
    return True


def write_index(
    bundle: Path,
    language: str,
    meta: list[Any],
    words: list[Word],
    old: tuple[Path, ...] | list[Path] = (),
    known: dict[bytes, Path] | None = None,
    target: int = TARGET_POSITIONS,
) -> str:
    """Write ``words`` (sorted) as index chunks and ``meta`` with their list; the metadata's name.

    ``old``: index files of ``bundle`` to remove unless written again.
    ``known``: a chunk's :func:`chunk_body` → a file holding exactly the
    bytes :func:`packed_words` gives for it (an unchanged chunk of the live
    site's bundle), hard-linked instead of compressed again.
    """
    listed = []
    chunks = cut(words, target)
    for (first, last), chunk in zip(bounds(chunks), chunks, strict=True):
        body = chunk_body(chunk)
        source = known.get(body) if known else None
        if source is not None:
            name = source.stem
            target_path = bundle / "index" / source.name
            if not target_path.exists():
                os.link(source, target_path)
        else:
            data = _packed_body(body)
            name = _name(language, data, "chunk")
            (bundle / "index" / f"{name}.pf_index").write_bytes(data)
        listed.append([first, last, name])
    written = {bundle / "index" / f"{name}.pf_index" for _, _, name in listed}
    for path in old:
        if path not in written:
            path.unlink()
    meta[2] = listed
    data = packed(meta)
    name = _name(language, data, "meta")
    (bundle / f"pagefind.{name}.pf_meta").write_bytes(data)
    return name


def write_entry(bundle: Path, entry: dict[str, Any]) -> None:
    """``pagefind-entry.json`` as this module writes it (compact, the metadata's new name)."""
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    (bundle / "pagefind-entry.json").write_text(text, encoding="utf-8")
