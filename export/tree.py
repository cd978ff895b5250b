"""The document tree of the public site and the links between its pages.

Built once per export from the plain-data snapshot: every public notice
with its attachments and 目标责任书 at a unique path, the unit groups that
expand 各乡镇（街道） to their members, and the relative links between
pages.  Everything else in the export (unit assignments, page renderers,
ledger downloads) reads this tree; it imports none of them.

Layout (``use_directory_urls: false``, every link relative, so the site
works from a portal sub-path and from disk)::

    index.md                                   首页
    notices/<slug>.md                          公文
    notices/<slug>/<attachment>.md             附件
    notices/<slug>/<attachment>/<child>.md     下级附件 / 目标责任书
    units/index.md, units/<unit>.md            责任单位 (the unit page: its newest year)
    units/<unit>/<year>.md                     its other years (unknown.md: 未标注年度)
    years/index.md, years/<year>.md            按年度
    issuers/index.md, issuers/<issuer>.md      按发文机关
    topics/index.md, topics/safety.md|fire.md  按主题

Links written as Markdown (``[标题](x.md)``) are checked by ``mkdocs build
--strict``; links inside raw HTML (unit references in tables, the task rows
on unit pages) are not rewritten by MkDocs, so they are computed here
directly as relative ``.html`` paths.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from cms.core.slugs import ascii_slug
from cms.ledger.obligations import UnitLink, expand_units

UNKNOWN_YEAR_SLUG = "unknown"
UNKNOWN_ISSUER = "未署发文机关"


@dataclass(frozen=True)
class SitePage:
    """One generated Markdown file: ``path`` is relative to the docs dir."""

    path: str
    text: str


@dataclass
class DocumentPage:
    """A notice, attachment or letter placed at its path in the site."""

    kind: str  # "notice" | "attachment" | "letter"
    path: str
    record: dict[str, Any]
    notice: dict[str, Any]
    notice_path: str
    children: list[DocumentPage] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.record.get("title") or ""

    @property
    def link_label(self) -> str:
        """How a parent lists this page: 附件2：标题, or the letter's title."""
        if self.kind == "attachment":
            number = self.record.get("number")
            return f"{'附件' + str(number) if number else '附件'}：{self.title}"
        return self.title


@dataclass(frozen=True)
class Groups:
    """The snapshot's unit groups: names and members, for expanding 各乡镇（街道） to its towns."""

    names: dict[int, str] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Groups:
        groups = snapshot.get("groups") or []
        return cls({g["id"]: g["name"] for g in groups}, {g["id"]: list(g.get("members") or []) for g in groups})

    def links(self, refs: list[dict[str, Any]]) -> list[UnitLink]:
        return expand_units(refs, self.members)


def notice_addressees(notice: dict[str, Any], groups: Groups) -> list[dict[str, Any]]:
    """A notice record's 主送 units and groups, as references its 共性目标 apply to."""
    units = [{"unit": pk, "name": ""} for pk in notice.get("addressee_units") or []]
    return units + [{"group": pk, "name": groups.names.get(pk, "")} for pk in notice.get("addressee_groups") or []]


def is_cover(page: DocumentPage) -> bool:
    """A notice with attachments: its numbered points say how to carry the targets out (not targets)."""
    return page.kind == "notice" and any(child.kind == "attachment" for child in page.children)


def stored_unit_id(value: Any) -> int | None:
    """A stored unit reference (a pk, sometimes as a string) or None."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, dict):
        value = value.get("id") or value.get("pk")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- paths and links --------------------------------------------------------


def href(from_path: str, to_path: str, *, html: bool = False, anchor: str = "") -> str:
    """A relative link from one docs page to another.

    ``html=True`` gives the built file name (``.html``) for raw HTML, where
    MkDocs does not rewrite ``.md`` links.
    """
    target = _relative(to_path, posixpath.dirname(from_path) or ".")
    if html and target.endswith(".md"):
        target = target[:-3] + ".html"
    return f"{target}#{anchor}" if anchor else target


def _relative(to_path: str, from_dir: str) -> str:
    """``posixpath.relpath`` of two docs paths (normalized, relative), the common case without it.

    When the target lies in another top folder (a unit's year page linking
    to the notices), the link is just up to the docs root and down again;
    only links within one top folder need the general, slower computation.
    """
    top = from_dir.partition("/")[0]
    if from_dir != "." and not to_path.startswith(top + "/") and to_path != top:
        return "../" * (from_dir.count("/") + 1) + to_path
    return _relpath(to_path, from_dir)


@lru_cache(maxsize=65_536)
def _relpath(to_path: str, from_dir: str) -> str:
    """``posixpath.relpath``, remembered: a site links the same few folders to each page thousands of times."""
    return posixpath.relpath(to_path, from_dir)


def year_slug(year: int | None) -> str:
    return str(year) if year else UNKNOWN_YEAR_SLUG


def year_label(year: int | None) -> str:
    return f"{year}年" if year else "未标注年度"


def issuer_name(notice: dict[str, Any]) -> str:
    return (notice.get("issuer") or "").strip() or UNKNOWN_ISSUER


def issuer_slug(name: str) -> str:
    return "unknown" if name == UNKNOWN_ISSUER else ascii_slug(name, "issuer")


# --- the tree ---------------------------------------------------------------


def document_pages(snapshot: dict[str, Any]) -> list[DocumentPage]:
    """Every notice with its attachments and letters, at unique paths.

    Notice slugs are unique only among siblings in Wagtail, so a clash (two
    公文库) gets the page id appended; children live in the parent's folder,
    where Wagtail already keeps slugs unique.
    """
    taken: set[str] = set()
    notices = []
    for notice in snapshot.get("notices", []):
        slug = notice.get("slug") or f"notice-{notice['id']}"
        path = f"notices/{slug}.md"
        if path in taken:
            path = f"notices/{slug}-{notice['id']}.md"
        taken.add(path)
        page = DocumentPage("notice", path, notice, notice, path)
        page.children = [_attachment_page(a, page, path) for a in notice.get("attachments", [])]
        notices.append(page)
    return notices


def _attachment_page(record: dict[str, Any], notice: DocumentPage, parent_path: str) -> DocumentPage:
    folder = parent_path[:-3]
    path = f"{folder}/{record.get('slug') or record['id']}.md"
    page = DocumentPage("attachment", path, record, notice.record, notice.path)
    page.children = [_attachment_page(child, notice, path) for child in record.get("attachments", [])]
    page.children += [
        DocumentPage(
            "letter", f"{path[:-3]}/{letter.get('slug') or letter['id']}.md", letter, notice.record, notice.path
        )
        for letter in record.get("letters", [])
    ]
    return page


def walk(pages: Iterable[DocumentPage]) -> Iterator[DocumentPage]:
    for page in pages:
        yield page
        yield from walk(page.children)


def lastmod(record: dict[str, Any]) -> str | None:
    """When a document last changed in public: its last publication, else its first."""
    return record.get("last_published_at") or record.get("first_published_at")


def source_date(snapshot: dict[str, Any]) -> date | None:
    """The latest publication day in the snapshot: the site's "build date".

    Used instead of the clock (as SOURCE_DATE_EPOCH) so the same content
    builds the same sitemap.  Days are the local dates the pages print, the
    same as each page's own ``lastmod``.
    """
    stamps = [s[:10] for page in walk(document_pages(snapshot)) if (s := lastmod(page.record))]
    return date.fromisoformat(max(stamps)) if stamps else None
