"""An incremental export's search bundle: the live bundle, patched with the pages built now.

Why: Pagefind has no partial mode.  Indexing the main bundle again (4,150
pages at 1,000 notices) took 9–10 s of an incremental export after one
changed notice: parsing every page 3 s, writing every page's fragment
again (gzip at its best level) 3–5 s, the re-cut 1.5 s; issue 17 wants
such a publish live within 15 s.  Here Pagefind indexes only the pages
built now, and their entries replace theirs in the live bundle's index.

The result has the bytes a full index of the same pages has
(tests/export/test_incremental.py compares them over random edits),
because a full index is a function of, and only of:

1. the order of the pages: Pagefind numbers them in the order it walks its
   folder (depth first, each folder in the file system's own order, not
   sorted).  The full index walks a folder of links made by
   ``incremental.link_files`` from the sorted page list; the same folder is
   made here and walked the same way (:func:`walk_order`);
2. each page's own part: its fragment (text and metadata, named by its
   content) and, per word, its positions; none depends on the other pages;
3. per word, its pages in page order; the words sorted; the metadata
   (version, each page's fragment name and word count, the chunks, and the
   sorted list of metadata keys the pages use).

The word index is read and written with export/search_chunks.py (which
owns the format); chunks whose words did not change are hard-linked from
the live bundle.  Whatever this module does not know (filters, sort keys,
several languages, a page path Pagefind would have to escape, a live
bundle not written by this exporter) raises :class:`PatchRefused`, and
export/search_index.py indexes the bundle in full, as before.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .incremental import link_files
from .search_chunks import (
    SIGNATURE,
    Posting,
    UnknownFormat,
    Word,
    chunk_body,
    fields,
    packed_words,
    read_file,
    read_words,
    short_names,
    word_entry,
    write_entry,
    write_index,
)

Runner = Callable[[Path, Path], None]  # Pagefind over a folder of pages, writing a bundle
# Page paths whose Pagefind URL is the path itself (no escaping to reproduce).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
# A page with a search body (export/mkdocs_hooks.py marks the article); Pagefind indexes only those
# once one page has one.  In text a "<" is escaped, so only a tag matches.
_BODY = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s/>=]")
_INDEX_HTML = "index.html"
# Pagefind's own files in a bundle, the same for every index of one version.
_SCRIPTS = (".js", ".pagefind")


# A page indexed with the built pages, carrying every metadata key of the live bundle and then left
# out: a word's match lists name metadata keys by their place in the bundle's sorted key list, so the
# built pages must be indexed with the same list for their entries to fit the live ones.
KEYS_PAGE = "gk-search-keys.html"
KEYS_URL = "/" + KEYS_PAGE


def keys_page(keys: list[str]) -> str:
    """The page carrying ``keys`` (see ``KEYS_PAGE``)."""
    marks = "".join(f'<span data-pagefind-meta="{html.escape(key)}[data-value]" data-value="-"></span>' for key in keys)
    return (
        f'<!doctype html><html lang="zh-cn"><body><article data-pagefind-body>{marks}<p>gk</p></article></body></html>'
    )


class PatchRefused(Exception):
    """The live bundle cannot be patched to the bytes of a full index; index in full instead."""


@dataclass
class IndexedPage:
    """One page of a bundle: its fragment's file and bytes, word count and metadata keys."""

    url: str
    fragment: Path
    data: bytes
    word_count: int
    keys: frozenset[str]


@dataclass
class Bundle:
    """A bundle as read back: its entry, language, metadata, words (with their pages) and pages by number."""

    entry: dict[str, Any]
    language: str
    meta: list[Any]
    words: list[Word]
    pages_of: list[list[Posting]]  # per word
    pages: list[IndexedPage]
    chunks: list[tuple[Path, list[Word]]]


def page_url(path: str) -> str:
    """The URL Pagefind gives a page at site path ``path`` (``index.html`` dropped)."""
    if path == _INDEX_HTML:
        return "/"
    if path.endswith("/" + _INDEX_HTML):
        return "/" + path[: -len(_INDEX_HTML)]
    return "/" + path


def walk_order(folder: Path) -> list[str]:
    """Site paths of the ``.html`` files under ``folder`` in the order Pagefind walks them."""
    found: list[str] = []

    def visit(directory: Path, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    visit(Path(entry.path), f"{prefix}{entry.name}/")
                elif entry.name.endswith(".html"):
                    found.append(prefix + entry.name)

    visit(folder, "")
    return found


def read_bundle(bundle: Path) -> Bundle:
    """A bundle with one language and no filters or sort keys; :class:`PatchRefused` otherwise."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        ((language, info),) = entry["languages"].items()
        meta = read_file(bundle / f"pagefind.{info['hash']}.pf_meta")
        if len(meta) != 6 or meta[3] or meta[4]:
            raise PatchRefused("filters, sort keys or another metadata shape")
        pages_of: list[list[Posting]] = []
        chunks = []
        for chunk in meta[2]:
            path = bundle / "index" / f"{chunk[2]}.pf_index"
            chunks.append((path, read_words(path, pages_of)))
        pages = []
        for name, word_count in meta[1]:
            fragment = bundle / "fragment" / f"{name}.pf_fragment"
            data = fragment.read_bytes()
            raw = gzip.decompress(data)
            if not raw.startswith(SIGNATURE):
                raise PatchRefused(f"{fragment.name}: no signature")
            fields = json.loads(raw[len(SIGNATURE) :])
            pages.append(IndexedPage(fields["url"], fragment, data, int(word_count), frozenset(fields["meta"])))
    except (UnknownFormat, OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise PatchRefused(str(error)) from error
    if meta[5] != _keys(pages):
        raise PatchRefused("metadata keys")
    words = [word for _, chunk in chunks for word in chunk]
    return Bundle(entry, language, meta, words, pages_of, pages, chunks)


def _keys(pages: list[IndexedPage]) -> list[str]:
    return sorted(set().union(*(page.keys for page in pages)))


def _known_chunks(live: Bundle) -> dict[bytes, Path]:
    """The live bundle's index files by content, when they are this exporter's own (else none)."""
    found: dict[bytes, Path] = {}
    checked = False
    for path, words in live.chunks:
        if not checked:  # the files were written by search_chunks.packed_words: linking one is writing it
            if packed_words(words) != path.read_bytes():
                return {}
            checked = True
        found[chunk_body(words)] = path
    return found


def merge_words(live: Bundle, fresh: Bundle, live_numbers: dict[int, int], fresh_numbers: dict[int, int]) -> list[Word]:
    """The word index of the merged bundle, sorted.

    ``live_numbers``: a kept live page's number → its new number (pages not
    in it are dropped); ``fresh_numbers``: the same for the pages indexed now.
    A live entry whose pages all keep their numbers, for a word no fresh page
    has, is kept byte for byte.
    """
    added: dict[str, tuple[list[Posting], int]] = {}
    for word, found in zip(fresh.words, fresh.pages_of, strict=True):
        moved = [
            posting._replace(page=fresh_numbers[posting.page]) for posting in found if posting.page in fresh_numbers
        ]
        if moved:
            added[word.text] = (moved, fields(word))
    merged: list[Word] = []
    for word, found in zip(live.words, live.pages_of, strict=True):
        numbers = [live_numbers.get(posting.page) for posting in found]
        extra, shape = added.pop(word.text, ([], fields(word)))
        if not extra and all(new == posting.page for new, posting in zip(numbers, found, strict=True)):
            merged.append(word)
            continue
        if shape != fields(word):
            raise UnknownFormat("word entries of two shapes")
        kept = [posting._replace(page=new) for new, posting in zip(numbers, found, strict=True) if new is not None]
        if kept or extra:
            merged.append(word_entry(word.text, sorted(kept + extra), shape))
    merged += [word_entry(text, sorted(found), shape) for text, (found, shape) in added.items()]
    merged.sort(key=lambda word: word.text)
    return merged


class LiveBundles:
    """The live site's bundles, read in a thread of their own from when the incremental build starts.

    Why: reading a bundle back (400,000 pages of word entries at 1,000
    notices) is most of a patch's work, and while MkDocs builds the changed
    pages (a process of its own) the exporter only waits: read then, it is
    ready when the built pages are.
    """

    def __init__(self, live_site: Path, names: list[str]) -> None:
        self.site = live_site
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-search")
        self._reading = {name: pool.submit(_read_live, live_site / name) for name in names}
        pool.shutdown(wait=False)

    def get(self, name: str) -> tuple[Bundle, dict[bytes, Path]]:
        """The bundle and its reusable chunks (:func:`_known_chunks`); raises :class:`PatchRefused`."""
        reading = self._reading.get(name)
        return reading.result() if reading is not None else _read_live(self.site / name)


def _read_live(bundle: Path) -> tuple[Bundle, dict[bytes, Path]]:
    live = read_bundle(bundle)
    return live, _known_chunks(live)


def patch_bundle(
    site_dir: Path,
    bundle: Path,
    pages: list[str],
    live_bundles: LiveBundles,
    linked: frozenset[str],
    run: Runner,
) -> int:
    """Write ``bundle`` for ``pages`` from the live site's bundle of that name and the pages built now; its pages.

    ``pages``: the site paths the full index would be given (sorted);
    ``linked``: the site paths hard-linked unchanged from the live site.
    Raises :class:`PatchRefused` (nothing usable written) when the result
    could differ from a full index.
    """
    if not all(_PLAIN_PATH.fullmatch(page) for page in pages):
        raise PatchRefused("page path")
    live, known_chunks = live_bundles.get(bundle.name)
    live_dir = live_bundles.site / bundle.name
    built = [page for page in pages if page not in linked]
    fresh_pages = [page for page in built if _BODY.search((site_dir / page).read_bytes())]
    wanted = {page_url(page) for page in pages}
    gone = {page_url(page) for page in built}
    kept = {page.url: number for number, page in enumerate(live.pages) if page.url in wanted and page.url not in gone}
    if kept:  # a live bundle indexed without any search body (whole pages) is not one a full index would keep
        first = next(page for page in pages if page_url(page) in kept)
        if not _BODY.search((site_dir / first).read_bytes()):
            raise PatchRefused("live bundle without search bodies")
    work = Path(tempfile.mkdtemp(prefix=".search-patch-", dir=site_dir.parent))
    try:
        known = {page.url for page in live.pages}
        if all(page_url(page) in known for page in fresh_pages):  # where every page goes is where it was
            order = [page.url for page in live.pages]
        else:  # a page new to the index: walk the folder a full index would read
            link_files(site_dir, work / "all", pages)
            order = [page_url(page) for page in walk_order(work / "all")]
        bundle.mkdir()
        if fresh_pages:
            fresh_view = work / "built"
            link_files(site_dir, fresh_view, fresh_pages)
            (fresh_view / KEYS_PAGE).write_text(keys_page(live.meta[5]), encoding="utf-8")
            run(fresh_view, bundle)
            fresh = read_bundle(bundle)
            if fresh.meta[0] != live.meta[0] or fresh.language != live.language:
                raise PatchRefused("another Pagefind version or language")
            if fresh.meta[5] != live.meta[5]:
                raise PatchRefused("metadata keys")
        else:  # nothing to index: the live bundle's scripts and wasm, its entry rewritten below
            # Never the entry: it is rewritten below, and a link would rewrite the live site's.
            files = [path.name for path in live_dir.iterdir() if path.is_file() and path.suffix in _SCRIPTS]
            link_files(live_dir, bundle, files)
            (bundle / "fragment").mkdir()
            (bundle / "index").mkdir()
            fresh = Bundle(live.entry, live.language, live.meta, [], [], [], [])
        by_url = {live.pages[number].url: (False, number) for number in kept.values()}
        by_url.update({page.url: (True, number) for number, page in enumerate(fresh.pages) if page.url != KEYS_URL})
        final = [url for url in order if url in by_url]
        if not final:
            raise PatchRefused("no page left to index")
        live_numbers: dict[int, int] = {}
        fresh_numbers: dict[int, int] = {}
        chosen: list[IndexedPage] = []
        for number, url in enumerate(final):
            is_fresh, old = by_url[url]
            (fresh_numbers if is_fresh else live_numbers)[old] = number
            chosen.append(fresh.pages[old] if is_fresh else live.pages[old])
        words = merge_words(live, fresh, live_numbers, fresh_numbers)
        _write(bundle, fresh, chosen, words, known_chunks)
    except (UnknownFormat, OSError, ValueError, KeyError) as error:
        raise PatchRefused(str(error)) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return len(chosen)


def _write(
    bundle: Path, fresh: Bundle, chosen: list[IndexedPage], words: list[Word], known_chunks: dict[bytes, Path]
) -> None:
    """Replace what Pagefind wrote for the built pages by the merged fragments, index and metadata."""
    names = short_names([page.data for page in chosen])
    for page in fresh.pages:
        page.fragment.unlink()
    for page, name in zip(chosen, names, strict=True):
        target = bundle / "fragment" / f"{name}.pf_fragment"
        if page.fragment.parent.parent == bundle:  # read before its file was removed above
            target.write_bytes(page.data)
        else:
            os.link(page.fragment, target)
    meta = list(fresh.meta)
    meta[1] = [[name, page.word_count] for name, page in zip(names, chosen, strict=True)]
    if _keys(chosen) != meta[5]:  # the pages' match lists number the keys: never renumbered here
        raise PatchRefused("metadata keys")
    info = dict(fresh.entry["languages"][fresh.language])
    if fresh.pages:
        (bundle / f"pagefind.{info['hash']}.pf_meta").unlink()
    old = [path for path, _ in fresh.chunks]
    info["hash"] = write_index(bundle, fresh.language, meta, words, old, known=known_chunks)
    info["page_count"] = len(chosen)
    write_entry(bundle, {**fresh.entry, "languages": {fresh.language: info}})
