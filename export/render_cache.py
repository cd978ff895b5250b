"""Each notice's Markdown pages and ledger rows, kept between exports, keyed by everything they are made from.

Why: an incremental export compares every page's Markdown with the live
site's, so it used to render all of it; at 1,000 notices the document pages
and their ledger rows were most of the render (issue 17: one publish must be
live within 15 s).  A notice's pages (it, its attachments and 目标责任书) and
its ledger rows are a pure function of

* its own snapshot record, attachments, letters and task progress included;
* where its pages are placed (the paths :func:`export.tree.document_pages`
  gave them: a slug clash elsewhere can move them);
* the site-wide data the renderers read: the unit registry and groups, which
  units have a public page and where (``Site.unit_paths``), the site identity
  and the ongoing-item cadence setting;
* the exporter's code, config and library versions (the export fingerprint),
  and all of ``cms/`` (the block renderers in ``cms/core`` and the choice
  labels are outside the fingerprint, which only decides full or incremental:
  a page rendered anew shows their change anyway, a cached one would not).

A unit's items of one year (the big part of its pages) are kept the same
way, keyed by the items' own fields (through a digest kept with each
notice's assignments) and the page path they are listed on;
so is what each notice assigns to units (keyed by the notice, its placement,
the unit groups, the fingerprint and the code), which decides which units
have pages at all and is read before anything else is rendered.

The key of an entry is a digest of all of that, so a cached entry is only
ever used for exactly the inputs it was made from: a renamed unit, a unit
that gains or loses its page, a changed site setting or code change misses
every entry; an edited, unpublished or no-longer-主动公开 notice misses (or
is gone from the snapshot, so from the cache).  Anything that is not part of
the key must not be read by the renderers for a notice; a notice the key does
not match is rendered as before, so the cache can only make an export faster.

The file lives beside the site and its state (``.<site>.export-cache.pickle``),
never in it, written atomically; an unreadable file is an empty cache.  It is
pickled plain data (strings, lists, dicts) the exporter wrote itself: pickle
gives back exactly the values it was given (JSON would turn tuples into lists
and int keys into strings) and loads the ~9,000 pages of 1,000 notices in a
fraction of a second.  Whoever can write beside the site can change the site
itself, so the file is trusted as much as the export state next to it.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cms.ledger.cadence import ongoing_cadence

from .assignments import Assignment, notice_assignments
from .incremental import _hash_tree
from .site import Site
from .tree import DocumentPage, Groups, SitePage, walk

CACHE_VERSION = 2  # 2: each notice's assignments keep the digest of what the unit sections show of them
PROJECT_DIR = Path(__file__).resolve().parent.parent
# Code whose change may change a rendered notice or unit section (see the module docstring).
CODE_ROOTS = ("cms", "export")


def _stored(a: Assignment) -> tuple[Any, ...]:
    """An assignment as plain data, its page by path: :class:`Assignment`'s fields in their order."""
    return (a.unit_id, a.kind, a.year, a.page.path, a.anchor, a.title, a.detail, a.deadline, a.role, a.via, a.addressee)


def _shown(a: Assignment) -> tuple[Any, ...]:
    """What a unit section shows of an item: its fields, its page's kind and title, its notice's id, title and 文号."""
    return (
        *_stored(a),
        a.page.kind,
        a.page.title,
        a.page.notice.get("id"),
        a.page.notice.get("title"),
        a.page.notice.get("doc_number"),
    )


def cache_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.export-cache.pickle"


def _digest(value: Any) -> str:
    """A digest of plain data; pickle writes every value it is given, so equal digests mean equal inputs.

    Without pickle's memo (``fast``), an object met twice is written twice,
    so the bytes do not depend on which values happen to be the same object
    (a cached assignment's strings are shared differently from a fresh one's).
    Two equal values pickled differently (dict keys inserted in another
    order) only cost a miss.  The data are trees, which fast mode requires.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=20).hexdigest()


@dataclass
class NoticeEntry:
    """What was made from one notice: its pages' Markdown, its ledger rows and each row's digest."""

    key: str
    pages: list[SitePage] | None = None
    tasks: list[dict[str, Any]] | None = None
    # One per task, :func:`export.incremental.ledger_digest` of it alone (no day in it).
    digests: list[str] | None = None


def code_digest(project_dir: Path = PROJECT_DIR) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    for relative in CODE_ROOTS:
        hasher.update(f"\0{relative}\0".encode())
        _hash_tree(hasher, project_dir / relative)
    return hasher.hexdigest()


@dataclass
class Stored:
    """What the cache file holds: notices' entries by path, unit sections by key."""

    notices: dict[str, NoticeEntry] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    # Notice path → (key, its assignments with the page as its path, :func:`_shown_digest` of them),
    # see :meth:`RenderCache.assignments`.
    assignments: dict[str, tuple[str, list[tuple[Any, ...]], str]] = field(default_factory=dict)


@dataclass
class RenderCache:
    """The entries of the previous export (``old``) and those of this one, by notice path."""

    base: str  # digest of the fingerprint, the code and the unit groups (what assignments depend on)
    old: Stored = field(default_factory=Stored)
    new: Stored = field(default_factory=Stored)
    common: str = ""  # base and the site-wide inputs of the pages (set by :meth:`bind`)
    # id(assignment) → (it, the shown digest of its notice's assignments, its place among them): see :meth:`section`.
    origins: dict[int, tuple[Assignment, str, int]] = field(default_factory=dict)
    # id(record) → (it, :func:`_digest` of it): a notice's record is part of two keys, pickled once.
    records: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    section_misses: int = 0
    assignment_misses: int = 0

    @classmethod
    def start(cls, snapshot: dict[str, Any], fingerprint: str, old: Stored | None = None) -> RenderCache:
        """A cache for this snapshot, before its :class:`Site` exists (which :meth:`assignments` helps make)."""
        base = _digest([CACHE_VERSION, fingerprint, code_digest(), snapshot.get("groups")])
        return cls(base, old or Stored())

    def bind(self, site: Site) -> None:
        """Key the pages by the site-wide inputs too, now that the site is worked out."""
        snapshot = site.snapshot
        self.common = _digest(
            [
                self.base,
                snapshot.get("units"),
                snapshot.get("identity"),
                sorted(site.unit_paths.items()),
                sorted(site.units),
                ongoing_cadence(),
            ]
        )

    @classmethod
    def for_site(cls, site: Site, fingerprint: str, old: Stored | None = None) -> RenderCache:
        cache = cls.start(site.snapshot, fingerprint, old)
        cache.bind(site)
        return cache

    def assignments(self, notice: DocumentPage, groups: Groups) -> list[Assignment]:
        """:func:`export.assignments.notice_assignments`, the previous ones if the notice and groups are the same.

        Pass as ``made`` to :meth:`export.site.Site.from_snapshot`.
        """
        pages = {page.path: page for page in walk([notice])}
        key = _digest([self.base, [(page.kind, path) for path, page in pages.items()], self._record(notice)])
        previous = self.old.assignments.get(notice.path)
        if previous is not None and previous[0] == key:
            rows, shown = previous[1], previous[2]
            found = [Assignment(row[0], row[1], row[2], pages[row[3]], *row[4:]) for row in rows]
        else:
            self.assignment_misses += 1
            found = notice_assignments(notice, groups)
            rows = [_stored(a) for a in found]
            shown = _digest([_shown(a) for a in found])
        self.new.assignments[notice.path] = (key, rows, shown)
        for index, assignment in enumerate(found):
            self.origins[id(assignment)] = (assignment, shown, index)
        return found

    def _record(self, notice: DocumentPage) -> str:
        """:func:`_digest` of the notice's record (its attachments and letters included), worked out once."""
        found = self.records.get(id(notice.record))
        if found is None or found[0] is not notice.record:
            found = self.records[id(notice.record)] = (notice.record, _digest(notice.record))
        return found[1]

    def entry(self, notice: DocumentPage) -> NoticeEntry:
        """This export's entry for ``notice`` (a notice, not an attachment): the previous one if its key matches."""
        found = self.new.notices.get(notice.path)
        if found is not None:
            return found
        assert self.common, "bind() the cache to the site first"
        placed = [(page.kind, page.path) for page in walk([notice])]
        key = _digest([self.common, placed, self._record(notice)])
        previous = self.old.notices.get(notice.path)
        if previous is not None and previous.key == key:
            self.hits += 1
            entry = previous
        else:
            self.misses += 1
            entry = NoticeEntry(key)
        self.new.notices[notice.path] = entry
        return entry

    def section(self, path: str, year: int | None, items: list[Assignment], make: Callable[[], str]) -> str:
        """A unit's items of one year listed on ``path``: the previous text if every field it shows is the same.

        The items are named by where they come from (:meth:`_origins`) when
        :meth:`assignments` made them all, else by every field the section shows.
        """
        origins = self._origins(items)
        shown = [_shown(a) for a in items] if origins is None else ["origins", origins]
        key = _digest([self.common, path, year, shown])
        text = self.new.sections.get(key)
        if text is None:
            text = self.old.sections.get(key)
            if text is None:
                self.section_misses += 1
                text = make()
            self.new.sections[key] = text
        return text

    def _origins(self, items: list[Assignment]) -> list[tuple[str, list[int]]] | None:
        """The items as (shown digest of a notice's assignments, their places in it), or None if one is not known.

        Why this is as good a key as the fields: the shown digest covers the
        fields of every item of the notice (:func:`_shown`), so the same
        digest and place is the same item.  Pickling 130,000 items' fields
        for the keys of the unit sections was a good part of rendering the
        unit pages at 1,000 notices (issue 17); the digests are kept with
        each notice's assignments and only worked out anew for a notice
        whose assignments are (so an edit that leaves a notice's items as
        they were leaves the sections listing them cached).
        """
        runs: list[tuple[str, list[int]]] = []
        for assignment in items:
            found = self.origins.get(id(assignment))
            if found is None or found[0] is not assignment:
                return None
            _, key, index = found
            if runs and runs[-1][0] == key:
                runs[-1][1].append(index)
            else:
                runs.append((key, [index]))
        return runs

    def task_digests(self) -> dict[int, str]:
        """id(task) → its digest, for the cached tasks (see :func:`export.incremental.ledger_digests`)."""
        return {
            id(task): value
            for entry in self.new.notices.values()
            if entry.tasks is not None and entry.digests is not None
            for task, value in zip(entry.tasks, entry.digests, strict=True)
        }

    def keep_task_digests(self, known: dict[int, str]) -> None:
        """Store the digests :func:`export.incremental.ledger_digests` worked out for newly made tasks."""
        for entry in self.new.notices.values():
            if entry.tasks is not None and entry.digests is None and all(id(t) in known for t in entry.tasks):
                entry.digests = [known[id(task)] for task in entry.tasks]

    @property
    def changed(self) -> bool:
        """Whether this export's entries differ from the previous export's (else there is nothing to save)."""
        return (
            self.misses > 0
            or self.section_misses > 0
            or self.assignment_misses > 0
            or self.new.assignments.keys() != self.old.assignments.keys()
            or self.new.notices.keys() != self.old.notices.keys()
            or self.new.sections.keys() != self.old.sections.keys()
        )


def load_cache(out_dir: Path) -> Stored:
    """The previous export's entries, or none when the file is missing, unreadable or of another version."""
    try:
        with cache_path(out_dir).open("rb") as stream:
            # Only ever a file this exporter wrote, beside the site it writes (see the module docstring).
            data = pickle.load(stream)  # noqa: S301
        stored = data["stored"] if data.get("version") == CACHE_VERSION else None
        return stored if isinstance(stored, Stored) else Stored()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError, ImportError):
        return Stored()


def save_cache(out_dir: Path, cache: RenderCache) -> None:
    """Write this export's entries (only the notices it had) atomically beside the site."""
    target = cache_path(out_dir)
    handle, tmp = tempfile.mkstemp(prefix=f"{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump({"version": CACHE_VERSION, "stored": cache.new}, stream, protocol=5)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
