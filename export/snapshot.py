"""The public snapshot: everything the public may see, as plain data.

This is the only place the exporter, the ledgers and the API read content
from.  A page enters it only if it is live, not expired, without view
restrictions, under a live notice whose 公开属性 is 主动公开, and every
ancestor on the way is live too.  Page rows hold the *published* version
(drafts live in revisions), so a newer unapproved draft never leaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from cms.core.db import consistent_read
from cms.documents.models import AttachmentPage, Disclosure, NoticePage, ResponsibilityLetterPage
from cms.importer.models import ImportReport
from cms.units.models import Unit

NOTICE_FIELDS = [
    "issuer",
    "doc_number",
    "signer",
    "recipients",
    "attachment_note",
    "signature",
    "written_date",
    "disclosure",
    "remarks",
    "copied_to",
    "printed_by",
    "printed_date",
    "year",
    "topic",
    "validity",
    "index_number",
    "publish_progress",
]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _visible(queryset, now: datetime):
    return queryset.live().public().filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))


def page_record(page: Any, *, imported: bool | None = None) -> dict[str, Any]:
    """The plain-data form of one page (also used by the admin preview).

    ``imported``: whether the notice came in through the importer (decides its
    发布日期, see :meth:`NoticePage.release_date`); looked up when not given.
    """
    record: dict[str, Any] = {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "body": list(page.body.raw_data),
        "first_published_at": _plain(page.first_published_at),
        "last_published_at": _plain(page.last_published_at),
    }
    if isinstance(page, NoticePage):
        record.update({name: _plain(getattr(page, name)) for name in NOTICE_FIELDS})
        record["disclosure_text"] = page.disclosure_text
        if imported is None:
            imported = ImportReport.objects.filter(notice=page).exists()
        record["release_date"] = _plain(page.release_date(imported=imported))
        record["attachments"] = []
        record["progress"] = _progress(page) if page.publish_progress else {}
    elif isinstance(page, AttachmentPage):
        record.update({"number": page.number, "kind": page.kind, "letters": [], "attachments": []})
    elif isinstance(page, ResponsibilityLetterPage):
        record["unit_id"] = page.unit_id
    return record


def _progress(notice: NoticePage) -> dict[str, dict[str, Any]]:
    """Latest progress per task row, only for notices that publish it."""
    from cms.ledger.models import Task

    return {
        task.row_id: {
            "status": task.get_status_display(),
            "note": task.status_note,
            "date": _plain(task.status_date),
        }
        for task in Task.objects.filter(notice=notice).order_by("row_id")
    }


def children_by_parent(pages: Iterable[Any]) -> dict[str, list[Any]]:
    """``pages`` grouped by their parent's tree path, each group in path order.

    Why: asking each notice and attachment for its children cost one query
    per page (hundreds at 100 notices, most of the snapshot's time).  One
    query fetches them all; walking down from the public notices then only
    reaches the pages under them, exactly as the per-page queries did.
    """
    children: dict[str, list[Any]] = {}
    for page in sorted(pages, key=lambda page: page.path):
        children.setdefault(page.path[: -page.steplen], []).append(page)
    return children


def _documents(now: datetime) -> list[Any]:
    """Every visible attachment and letter (the pages a notice's record is made of)."""
    return [*_visible(AttachmentPage.objects.all(), now), *_visible(ResponsibilityLetterPage.objects.all(), now)]


def public_notices(now: datetime) -> list[NoticePage]:
    """Visible 主动公开 notices whose ancestors are all live, in path order (the roots of the public view)."""
    candidates = list(_visible(NoticePage.objects, now).filter(disclosure=Disclosure.PUBLIC).order_by("path"))
    dead = _dead_ancestor_paths(candidates)
    return [notice for notice in candidates if not any(path in dead for path in _ancestor_paths(notice))]


def _attachment_record(page: AttachmentPage, children: dict[str, list[Any]]) -> dict[str, Any]:
    record = page_record(page)
    for child in children.get(page.path, []):
        if isinstance(child, AttachmentPage):
            record["attachments"].append(_attachment_record(child, children))
        elif isinstance(child, ResponsibilityLetterPage):
            record["letters"].append(page_record(child))
    return record


def take_snapshot(now: datetime | None = None) -> dict[str, Any]:
    """One consistent read of all public content.

    One read-only snapshot (REPEATABLE READ on PostgreSQL, see
    :func:`cms.core.db.consistent_read`), so a publish in the middle cannot
    give a notice without its attachments.
    """
    now = now or timezone.now()
    with consistent_read():
        notices = []
        roots = public_notices(now)
        children = children_by_parent(_documents(now)) if roots else {}
        imported = set(ImportReport.objects.filter(notice__isnull=False).values_list("notice_id", flat=True))
        for notice in roots:
            record = page_record(notice, imported=notice.pk in imported)
            record["attachments"] = [
                _attachment_record(child, children)
                for child in children.get(notice.path, [])
                if isinstance(child, AttachmentPage)
            ]
            notices.append(record)
        units = [
            {
                "id": unit.pk,
                "name": unit.name,
                "slug": unit.slug,
                "kind": unit.kind,
                "parent_id": unit.parent_id,
                "sort_order": unit.sort_order,
                "aliases": sorted(alias.name for alias in unit.aliases.all()),
            }
            for unit in Unit.objects.prefetch_related("aliases").order_by("sort_order", "name")
        ]
    return {"notices": notices, "units": units}


def _ancestor_paths(page: Any) -> list[str]:
    """Tree paths of a page's ancestors below the root (the root is never live)."""
    return [page.path[:end] for end in range(2 * page.steplen, len(page.path), page.steplen)]


def _dead_ancestor_paths(pages: list[Any]) -> set[str]:
    """Paths of the not-live ancestors of ``pages``, in one query instead of one per page.

    A notice under an unpublished section must stay out even though the
    notice itself is live.
    """
    paths = sorted({path for page in pages for path in _ancestor_paths(page)})
    if not paths:
        return set()
    return set(Page.objects.filter(path__in=paths, live=False).values_list("path", flat=True))
