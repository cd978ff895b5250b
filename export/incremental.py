"""What an export may take from the previous site: state, fingerprints, reuse and merging.

Why: a full ``mkdocs build`` costs minutes at 1,000 notices, but one publish
changes a handful of pages.  The exporter gets every page's Markdown (each
notice's from export/render_cache.py where its inputs did not change, the
listing pages rendered), compares each page's text with the text the live
site was built from, and rebuilds only the pages that differ (which includes
every index that lists a changed notice, because its Markdown changed too).
Everything else is hard-linked from the live site into the new one, which is
still swapped in atomically.

That is only byte-identical to a full export if a page's HTML depends on
nothing but its own Markdown and what the *fingerprint* covers: mkdocs.yml
and the derived build config, the hand-written parts of ``site_src/`` (theme
overrides, CSS, scripts), the exporter's own code and the versions
of MkDocs, the theme and the ledger libraries.  The sidebar is the fixed
``NAV`` (its pages are rebuilt every time), documents are outside it, so no
page shows another page's title.  When the fingerprint differs the export is
full.  The search index is not merged: each Pagefind bundle is either
indexed again from all its pages or, when none of its pages changed (the
state keeps a key per bundle), linked whole from the live site
(export/search_index.py), so it only depends on the pages.
``tests/export/test_incremental.py`` checks the identity on random edit
sequences.

The state lives beside the site (``.<site>.export-state.json``), never in it,
and names the site directory's inode: a state written for a site that never
got swapped in (export killed between the two) does not match, so the next
export is full.

The state also records each page's inline-script hashes (for the CSP,
export/serving.py) as the page is in the site it describes, so an
incremental export takes a linked page's hashes from there instead of
reading the page (at 1,000 notices reading every page was most of the
finishing step, export/finish.py).  The record is optional: a state
without it (or with an unreadable one) reads every page, as before, and
a page missing from it is read.  The CSP is then the union over exactly
the new site's pages, as in a full export: a removed or rebuilt page's
recorded hashes are not used.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from cms.ledger.tables import next_checkpoint

from .downloads import Ledger
from .index_pages import NAV

STATE_VERSION = 1
# Libraries whose output is part of the site's bytes.
FINGERPRINT_PACKAGES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "pandas", "XlsxWriter")
# The exporter's own code, relative to the project: a change here may change any output byte.
FINGERPRINT_CODE = ("export", "cms/ledger")


def state_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.export-state.json"


@dataclass
class ExportState:
    """What the live site was built from: fingerprint, site inode, one digest per page and per ledger."""

    fingerprint: str
    site: tuple[int, int]  # (st_dev, st_ino) of the site directory this state describes
    pages: dict[str, str] = field(default_factory=dict)  # docs path → digest of its Markdown
    ledgers: dict[str, str] = field(default_factory=dict)  # ledger name → digest of its rows
    version: int = STATE_VERSION
    # Search bundle folder → the key of the pages it was built from (export/search_index.py).
    search: dict[str, str] = field(default_factory=dict)
    # Site path of each page → index into ``script_sets``: the CSP hashes of its inline scripts
    # (nearly every page has one of a few sets, so each set is stored once).  Empty: not recorded.
    page_scripts: dict[str, int] = field(default_factory=dict)
    script_sets: list[list[str]] = field(default_factory=list)

    def record_scripts(self, scripts: dict[str, frozenset[str]]) -> None:
        """Keep ``scripts`` (site path → its pages' inline-script hashes) in the interned form saved."""
        index: dict[frozenset[str], int] = {}
        self.page_scripts = {}
        for page, hashes in scripts.items():
            if hashes not in index:
                index[hashes] = len(index)
            self.page_scripts[page] = index[hashes]
        self.script_sets = [sorted(hashes) for hashes in index]

    def scripts(self) -> dict[str, frozenset[str]] | None:
        """Site path → inline-script hashes as recorded; None when there is no usable record."""
        sets = [frozenset(hashes) for hashes in self.script_sets]
        if not self.page_scripts or not all(0 <= at < len(sets) for at in self.page_scripts.values()):
            return None
        return {page: sets[at] for page, at in self.page_scripts.items()}


def site_identity(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino


def load_state(out_dir: Path) -> ExportState | None:
    """The state of the live site, or None when missing, unreadable or written for another directory."""
    try:
        data = json.loads(state_path(out_dir).read_text(encoding="utf-8"))
        state = ExportState(
            fingerprint=data["fingerprint"],
            site=(int(data["site"][0]), int(data["site"][1])),
            pages=dict(data["pages"]),
            ledgers=dict(data["ledgers"]),
            version=int(data["version"]),
            search=dict(data.get("search") or {}),
        )
        state.page_scripts, state.script_sets = _script_record(data)
        if state.version != STATE_VERSION or state.site != site_identity(out_dir):
            return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return state


def _script_record(data: dict[str, Any]) -> tuple[dict[str, int], list[list[str]]]:
    """The state's script-hash record as saved, or an empty one when it is missing or malformed.

    Only the record is dropped then (every page gets read): the rest of the state is still good.
    """
    try:
        pages = {str(page): int(at) for page, at in (data.get("page_scripts") or {}).items()}
        sets = [[str(item) for item in hashes] for hashes in data.get("script_sets") or []]
    except (AttributeError, TypeError, ValueError):
        return {}, []
    return pages, sets


def save_state(out_dir: Path, state: ExportState) -> None:
    """Write atomically (temp file + rename): a half-written state would read as no state, i.e. a full export."""
    target = state_path(out_dir)
    handle, tmp = tempfile.mkstemp(prefix=f"{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(state), stream, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, target)
    except BaseException:
        with_missing_ok(Path(tmp))
        raise


def with_missing_ok(path: Path) -> None:
    path.unlink(missing_ok=True)


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def ledger_digest(tasks: list[dict[str, Any]], by_unit: bool) -> str:
    return digest(json.dumps([by_unit, tasks], ensure_ascii=False, sort_keys=True, default=str))


def _hash_tree(hasher: Any, root: Path, *, skip_top: Iterable[str] = ()) -> None:
    """Every file's relative path and bytes, in a fixed order; generated and temporary entries left out."""
    if not root.is_dir():
        return
    skipped = set(skip_top)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        top = relative.parts[0]
        if top in skipped or top.startswith(".") or "__pycache__" in relative.parts or not path.is_file():
            continue
        hasher.update(str(relative).encode("utf-8") + b"\0")
        hasher.update(path.read_bytes())
        hasher.update(b"\0")


def fingerprint(*, config: dict[str, Any], hand_written_roots: Iterable[Path], project_dir: Path) -> str:
    """Everything outside the pages' Markdown that can change an output byte.

    ``config`` is the derived MkDocs config without its per-build ``site_dir``.
    """
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(json.dumps(config, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    for root in sorted({Path(r).resolve() for r in hand_written_roots}):
        hasher.update(f"\0site_src:{root}\0".encode())
        _hash_tree(hasher, root, skip_top=("docs",))
    for relative in FINGERPRINT_CODE:
        hasher.update(f"\0code:{relative}\0".encode())
        _hash_tree(hasher, project_dir / relative)
    versions = [platform.python_version()]
    for package in FINGERPRINT_PACKAGES:
        try:
            versions.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    hasher.update("\n".join(versions).encode("utf-8"))
    return hasher.hexdigest()


class ReuseFailed(Exception):
    """A file the plan wanted from the previous site is not there: the export falls back to a full build."""


def _link(source: str, target: str, attempts: int = 3) -> None:
    """``os.link``, again when the source was replaced by a rename at that very moment.

    Linux refuses to link an inode whose last name has just gone (ENOENT),
    and a page whose download sizes are written is replaced by rename while
    Pagefind's folder of links is made (export/finish.py); the name itself
    never goes away, so the next attempt links the new file.
    """
    for attempt in range(attempts):
        try:
            os.link(source, target)
            return
        except FileNotFoundError:
            if attempt == attempts - 1 or not os.path.exists(source):
                raise


def link_files(previous: Path, site_dir: Path, relative_paths: Iterable[str], *, missing_ok: bool = False) -> int:
    """Hard-link each file from the previous site into the new one (copy where links are impossible).

    A hard link costs no disk space.  Nothing may rewrite a linked file in
    place afterwards: it is the same inode as the live site's file.  A file
    already in the new site is left as it is.  A file missing from the
    previous site raises :class:`ReuseFailed`, or is skipped with
    ``missing_ok``.  Returns the number of files placed.

    One ``link`` call per file, no ``stat`` of either side first (the link
    fails when the target exists or the source is missing, which is when
    the answer matters): an incremental export at 1,000 notices links some
    25,000 files, pages, their ``.gz`` and the kept ledgers.
    """
    count = 0
    made: set[str] = set()
    old, new = str(previous), str(site_dir)
    for relative in relative_paths:
        source, target = os.path.join(old, relative), os.path.join(new, relative)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            _link(source, target)
        except FileExistsError:
            continue
        except FileNotFoundError as error:
            if missing_ok or os.path.lexists(target):
                continue
            raise ReuseFailed(f"上次的网站缺少 {relative}") from error
        except OSError as error:
            # Only raised for a source that is there and a target that is not: copy instead.
            if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise
            shutil.copy2(source, target)
        count += 1
    return count


# --- planning an incremental build ---------------------------------------------------


# Past this share of changed pages a full (sharded) build is as quick as linking the rest.
INCREMENTAL_LIMIT = 0.5
NAV_PAGES = frozenset(path for entry in NAV for path in entry.values())


@dataclass
class Reuse:
    """An incremental build: which pages and ledgers are new, the rest comes from the live site.

    ``pages``: docs paths to build (changed, new, and the always-rebuilt nav
    pages); ``keep_ledgers``: ledger names whose files are linked unchanged.
    """

    previous: Path
    pages: set[str]
    keep_ledgers: list[str] = field(default_factory=list)
    # Those of ``keep_ledgers`` that have a calendar (.ics): linked with them, and no others.
    keep_calendars: list[str] = field(default_factory=list)
    # A page the live site has is gone (its links may have been the only way to it).
    removed: bool = False
    # Site path → inline-script hashes of the live site's pages (ExportState.scripts); None: not recorded.
    scripts: dict[str, frozenset[str]] | None = None


def ledger_digests(
    items: list[Ledger], today: date | None = None, known: dict[int, str] | None = None
) -> dict[str, str]:
    """Ledger name → digest of its rows; each task hashed once (a task is in three or more ledgers).

    ``today`` (default: today) is the ledger files' 下次节点 day: the first
    checkpoint on or after it is part of each task's digest, so a ledger
    kept by an incremental export on a later day is rewritten once one of its
    checkpoints has passed, as a full export that day would write it.
    ``known``: id(task) → ``ledger_digest([task], False)`` already worked
    out (export/render_cache.py keeps them with the tasks); the ones worked
    out here are added to it.
    """
    day = today or date.today()
    task_digests: dict[int, str] = {}
    rows = {} if known is None else known
    out = {}
    for ledger in items:
        parts = []
        for task in ledger.tasks:
            key = id(task)
            if key not in task_digests:
                if key not in rows:
                    rows[key] = ledger_digest([task], False)
                task_digests[key] = f"{rows[key]}@{next_checkpoint(task.get('checkpoints'), day)}"
            parts.append(task_digests[key])
        # The calendar's name and UID domain are in its .ics but in no task: part of the digest too.
        calendar = f"{ledger.calendar}@{ledger.calendar_domain}" if ledger.calendar else ""
        out[ledger.name] = digest(f"{ledger.by_unit}:{calendar}:" + ",".join(parts))
    return out


def plan_reuse(
    state: ExportState | None,
    fingerprint_now: str,
    digests: dict[str, str],
    items: list[Ledger],
    out_dir: Path,
    ledger_state: dict[str, str],
) -> Reuse | None:
    """What an incremental build would rebuild, or None when it must (or had better) be full.

    ``digests``: docs path → digest of the Markdown just rendered; ``items``:
    the ledgers of this export; ``ledger_state``: their :func:`ledger_digests`.
    """
    if state is None or state.fingerprint != fingerprint_now or not out_dir.is_dir():
        return None
    changed = {path for path, value in digests.items() if state.pages.get(path) != value}
    if len(changed) > INCREMENTAL_LIMIT * max(len(digests), 1):
        return None
    pages = changed | (NAV_PAGES & digests.keys())
    keep = [name for name, value in ledger_state.items() if state.ledgers.get(name) == value]
    # Same digest, same calendar name: a kept ledger had its .ics in the live site exactly when it has one now.
    calendars = {ledger.name for ledger in items if ledger.calendar}
    return Reuse(
        previous=out_dir,
        pages=pages,
        keep_ledgers=keep,
        keep_calendars=[n for n in keep if n in calendars],
        removed=not state.pages.keys() <= digests.keys(),
        scripts=state.scripts(),
    )
