"""Which pages are public, without reading their content.

The API uses this to restrict every listing and lookup; it applies the same
rules as :func:`export.snapshot.take_snapshot` (and its tests hold both to
the same corpus), so the API and the static site show the same pages.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from wagtail.models import Page

from cms.documents.models import Disclosure, NoticePage

from .snapshot import _visible, children_by_parent, public_notices


def public_page_ids(now: datetime | None = None) -> set[int]:
    """Ids of the public notices and every visible page under them, in three queries.

    The API asks this on every request, so it walks the tree in memory, as
    the snapshot does, instead of one children query per page.
    """
    now = now or timezone.now()
    roots = public_notices(now)
    if not roots:
        return set()
    below = _visible(Page.objects.filter(depth__gt=min(n.depth for n in roots)), now).only("id", "path", "depth")
    children = children_by_parent(below)
    ids: set[int] = set()
    frontier: list[Page] = list(roots)
    while frontier:
        page = frontier.pop()
        ids.add(page.pk)
        frontier.extend(children.get(page.path, []))
    return ids


def is_public_page(page: Page, now: datetime | None = None) -> bool:
    """Whether ``page`` is one of :func:`public_page_ids`, in three queries.

    For serving one page through Django: computing the whole public set per
    request would cost a query per public page.  Going up from ``page``,
    every page must be visible until the nearest 主动公开 notice, whose own
    ancestors must all be live; exactly what :func:`public_page_ids` walks
    down from each notice.
    """
    now = now or timezone.now()
    path = list(Page.objects.ancestor_of(page, inclusive=True).order_by("depth").only("id", "live", "depth"))
    ids = [p.pk for p in path]
    visible = set(_visible(Page.objects.filter(pk__in=ids), now).values_list("pk", flat=True))
    notices = set(
        _visible(NoticePage.objects.filter(pk__in=ids), now)
        .filter(disclosure=Disclosure.PUBLIC)
        .values_list("pk", flat=True)
    )
    for position in range(len(path) - 1, -1, -1):
        current = path[position]
        if current.pk in notices:
            return all(ancestor.live for ancestor in path[:position] if ancestor.depth > 1)
        if current.pk not in visible:
            return False
    return False


def public_children(parent: Page, now: datetime | None = None) -> list[Page]:
    """The public notices directly under ``parent`` (a 公文库 section), for its listing."""
    if parent.get_ancestors(inclusive=True).filter(depth__gt=1, live=False).exists():
        return []
    now = now or timezone.now()
    return list(_visible(NoticePage.objects.child_of(parent), now).filter(disclosure=Disclosure.PUBLIC))
