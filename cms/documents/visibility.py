"""What the public may see: one definition, used by the snapshot, the API, the ledger and Django's own serving.

A page is public when it is live, not expired and has no view restriction,
and it is, or hangs below, a notice whose 公开属性 is 主动公开 and whose
ancestors are all live (a notice under an unpublished section stays out).
These are rules about pages, so they live with the page models as
queryset methods (``NoticePage.objects.public(at=…)``) and a few tree
walks over them; the exporter only ever reads their result.

This module imports the choices, never the page models (which use these
querysets as their managers).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from datetime import datetime
from functools import reduce
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet

from .choices import Disclosure

_Q = TypeVar("_Q", bound=QuerySet[Any])


def _moment(at: datetime | None) -> datetime:
    return at or timezone.now()


def visible(queryset: _Q, at: datetime | None = None) -> _Q:
    """Pages of ``queryset`` that are live, not expired and without a view restriction (any page type)."""
    pages = PageQuerySet.public(PageQuerySet.live(queryset))  # Wagtail's public(): no view restriction
    return pages.filter(Q(expire_at__isnull=True) | Q(expire_at__gt=_moment(at)))


# Ancestor paths asked for in one query (well under every database's parameter limit).
_PATHS_PER_QUERY = 500


def _dead_ancestor_paths(pages: QuerySet[Any]) -> list[str]:
    """Tree paths of the not-live pages below the root (the root is never live) above any of ``pages``.

    Why two plain queries instead of a correlated ``NOT EXISTS`` per page:
    an ancestor's path is a prefix of the page's, but neither SQLite nor
    PostgreSQL can use the path index for ``path = substr(outer.path, 1,
    depth * steplen)``, so every candidate notice scanned the whole page
    table: 13 s of a 17 s snapshot at 1,000 notices on SQLite (issue 17).
    Here the candidates' paths are read (an index scan) and their distinct
    ancestor paths, a handful of sections, are looked up by key.
    """
    step = Page.steplen
    prefixes: set[str] = set()
    for path in pages.order_by().values_list("path", flat=True):
        prefixes.update(path[:end] for end in range(2 * step, len(path), step))
    ordered = sorted(prefixes)
    dead: list[str] = []
    for start in range(0, len(ordered), _PATHS_PER_QUERY):
        chunk = ordered[start : start + _PATHS_PER_QUERY]
        dead += Page.objects.filter(live=False, path__in=chunk).values_list("path", flat=True)
    return sorted(dead)


class DocumentPageQuerySet(PageQuerySet):
    def visible(self, at: datetime | None = None) -> DocumentPageQuerySet:
        """Live, not expired, no view restriction (see :func:`visible`)."""
        return visible(self, at)


class NoticePageQuerySet(DocumentPageQuerySet):
    def public(self, at: datetime | None = None) -> NoticePageQuerySet:
        """The notices the public sees at ``at`` (now by default): the roots of the public view.

        Refines Wagtail's ``public()`` (no view restriction) with the rest of
        the rule: live, not expired, 主动公开, every ancestor live.  The
        ancestors are looked up when this is called (one query, see
        :func:`_dead_ancestor_paths`); the notices when the result is read.
        """
        shown = visible(self, at).filter(disclosure=Disclosure.PUBLIC)
        dead = _dead_ancestor_paths(shown)
        if not dead:
            return shown
        # A live page is never one of the dead paths themselves, so "starts with" means "below".
        return shown.exclude(reduce(operator.or_, (Q(path__startswith=path) for path in dead)))

    def public_tree_ids(self, at: datetime | None = None) -> set[int]:
        """Ids of the public notices and every visible page under them, in two queries.

        The API asks this on every request, so it walks the tree in memory
        instead of one children query per page.
        """
        roots = list(self.public(at).only("id", "path", "depth"))
        if not roots:
            return set()
        below = visible(Page.objects.filter(depth__gt=min(n.depth for n in roots)), at).only("id", "path", "depth")
        children = children_by_parent(below)
        ids: set[int] = set()
        frontier: list[Page] = list(roots)
        while frontier:
            page = frontier.pop()
            ids.add(page.pk)
            frontier.extend(children.get(page.path, []))
        return ids

    def public_contains(self, page: Page, at: datetime | None = None) -> bool:
        """Whether ``page`` is in :meth:`public_tree_ids`, in three queries.

        For serving one page through Django: computing the whole public set
        per request would cost a query per public page.  Going up from
        ``page``, every page must be visible until the nearest public notice.
        """
        path = list(Page.objects.ancestor_of(page, inclusive=True).order_by("depth").only("id", "live", "depth"))
        ids = [p.pk for p in path]
        shown = set(visible(Page.objects.filter(pk__in=ids), at).values_list("pk", flat=True))
        public = set(self.filter(pk__in=ids).public(at).values_list("pk", flat=True))
        for current in reversed(path):
            if current.pk in public:
                return True
            if current.pk not in shown:
                return False
        return False

    def public_children(self, parent: Page, at: datetime | None = None) -> NoticePageQuerySet:
        """The public notices directly under ``parent`` (a 公文库 section), for its listing."""
        return self.child_of(parent).public(at)


NoticePageManager = PageManager.from_queryset(NoticePageQuerySet)
DocumentPageManager = PageManager.from_queryset(DocumentPageQuerySet)


def children_by_parent(pages: Iterable[Any]) -> dict[str, list[Any]]:
    """``pages`` grouped by their parent's tree path, each group in path order.

    Why: asking each notice and attachment for its children cost one query
    per page (hundreds at 100 notices).  One query fetches them all; walking
    down from the public notices then only reaches the pages under them.
    """
    children: dict[str, list[Any]] = {}
    for page in sorted(pages, key=lambda page: page.path):
        children.setdefault(page.path[: -page.steplen], []).append(page)
    return children
