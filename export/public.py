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

from .snapshot import _ancestors_live, _visible


def public_page_ids(now: datetime | None = None) -> set[int]:
    now = now or timezone.now()
    ids: set[int] = set()
    for notice in _visible(NoticePage.objects, now).filter(disclosure=Disclosure.PUBLIC):
        if not _ancestors_live(notice):
            continue
        ids.add(notice.pk)
        frontier = [notice]
        while frontier:
            children = list(_visible(Page.objects.child_of(frontier.pop()), now).only("id", "path", "depth"))
            ids.update(child.pk for child in children)
            frontier.extend(children)
    return ids
