"""The public snapshot: everything the public may see, as plain data.

This is the only place the exporter and the ledgers read content from.
Which pages enter it is decided by the page models' own rule
(:mod:`cms.documents.visibility`: ``NoticePage.objects.public()`` and the
visible pages below them), the same rule the API and Django's serving use.  Page rows hold the *published* version
(drafts live in revisions), so a newer unapproved draft never leaks.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from django.utils import timezone

from cms.core.db import consistent_read
from cms.documents.models import AttachmentPage, NoticePage, ResponsibilityLetterPage
from cms.documents.visibility import children_by_parent
from cms.importer.models import ImportReport
from cms.ledger.models import Task
from cms.publishing.identity import identity_record
from cms.units.models import Unit, UnitGroup

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


def _plain(value: Any, tz: tzinfo | None = None) -> Any:
    """``tz``: the current time zone, when the caller has it (asking for it costs a context lookup per value)."""
    if isinstance(value, datetime):
        return timezone.localtime(value, tz).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def page_record(
    page: Any,
    *,
    imported: bool | None = None,
    addressees: tuple[list[int], list[int]] | None = None,
    tz: tzinfo | None = None,
) -> dict[str, Any]:
    """The plain-data form of one page (also used by the admin preview).

    ``imported``: whether the notice came in through the importer (decides its
    发布日期, see :meth:`NoticePage.release_date`); looked up when not given.
    ``addressees``: the notice's (主送 unit ids, 主送 group ids), sorted;
    looked up when not given.  ``tz``: the current time zone (looked up when not given).
    """
    record: dict[str, Any] = {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "body": list(page.body.raw_data),
        "first_published_at": _plain(page.first_published_at, tz),
        "last_published_at": _plain(page.last_published_at, tz),
    }
    if isinstance(page, NoticePage):
        record.update({name: _plain(getattr(page, name), tz) for name in NOTICE_FIELDS})
        record["disclosure_text"] = page.disclosure_text
        if imported is None:
            imported = ImportReport.objects.filter(notice=page).exists()
        record["release_date"] = _plain(page.release_date(imported=imported), tz)
        if addressees is None:
            addressees = (
                # A revision's (draft preview) relations are modelcluster's in-memory querysets,
                # which know "id" but not the "pk" alias.
                sorted(unit.id for unit in page.addressee_units.all()),
                sorted(group.id for group in page.addressee_groups.all()),
            )
        record["addressee_units"], record["addressee_groups"] = addressees
        record["attachments"] = []
        record["progress"] = _progress(page, tz) if page.publish_progress else {}
    elif isinstance(page, AttachmentPage):
        record.update({"number": page.number, "kind": page.kind, "letters": [], "attachments": []})
    elif isinstance(page, ResponsibilityLetterPage):
        record["unit_id"] = page.unit_id
    return record


def _progress(notice: NoticePage, tz: tzinfo | None = None) -> dict[str, dict[str, Any]]:
    """Latest progress per task row, only for notices that publish it."""
    return {
        task.row_id: {
            "status": task.get_status_display(),
            "note": task.status_note,
            "date": _plain(task.status_date, tz),
        }
        for task in Task.objects.filter(notice=notice).order_by("row_id")
    }


def _documents(now: datetime) -> list[Any]:
    """Every visible attachment and letter (the pages a notice's record is made of)."""
    return [*AttachmentPage.objects.visible(now), *ResponsibilityLetterPage.objects.visible(now)]


def _attachment_record(page: AttachmentPage, children: dict[str, list[Any]], tz: tzinfo) -> dict[str, Any]:
    record = page_record(page, tz=tz)
    for child in children.get(page.path, []):
        if isinstance(child, AttachmentPage):
            record["attachments"].append(_attachment_record(child, children, tz))
        elif isinstance(child, ResponsibilityLetterPage):
            record["letters"].append(page_record(child, tz=tz))
    return record


def _addressees(notice_ids: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    """Notice id → (主送 unit ids, 主送 group ids), sorted, in two queries for all notices."""
    found: dict[int, tuple[list[int], list[int]]] = {pk: ([], []) for pk in notice_ids}
    for position, field in enumerate(("addressee_units", "addressee_groups")):
        through = NoticePage._meta.get_field(field).remote_field.through
        target = f"{NoticePage._meta.get_field(field).related_model._meta.model_name}_id"
        rows = through.objects.filter(noticepage_id__in=notice_ids).values_list("noticepage_id", target)
        for notice_id, target_id in sorted(rows):
            found[notice_id][position].append(target_id)
    return found


def display_names(units: list[dict[str, Any]]) -> dict[int, str]:
    """A title per unit: its name, with its jurisdiction where another unit has the same name.

    ``公安分局（百崎回族乡）`` beside 东石镇's 公安分局: a public page title must say which one.
    """
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit["name"]] = counts.get(unit["name"], 0) + 1
    return {
        unit["id"]: f"{unit['name']}（{unit['jurisdiction']}）"
        if counts[unit["name"]] > 1 and unit.get("jurisdiction")
        else unit["name"]
        for unit in units
    }


def _groups() -> list[dict[str, Any]]:
    groups = UnitGroup.objects.select_related("jurisdiction").prefetch_related("members").order_by("name", "pk")
    return [
        {
            "id": group.pk,
            "name": group.name,
            "kind": group.kind,
            "jurisdiction": group.jurisdiction.name if group.jurisdiction_id else "",
            "members": sorted(unit.pk for unit in group.members.all()),
        }
        for group in groups
    ]


def take_snapshot(now: datetime | None = None) -> dict[str, Any]:
    """One consistent read of all public content.

    One read-only snapshot (REPEATABLE READ on PostgreSQL, see
    :func:`cms.core.db.consistent_read`), so a publish in the middle cannot
    give a notice without its attachments.
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()  # once: 19,000 dates at 1,000 notices
    with consistent_read():
        notices = []
        roots = list(NoticePage.objects.public(now).order_by("path"))
        children = children_by_parent(_documents(now)) if roots else {}
        imported = set(ImportReport.objects.filter(notice__isnull=False).values_list("notice_id", flat=True))
        addressees = _addressees([notice.pk for notice in roots])
        for notice in roots:
            record = page_record(notice, imported=notice.pk in imported, addressees=addressees[notice.pk], tz=tz)
            record["attachments"] = [
                _attachment_record(child, children, tz)
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
                "jurisdiction": unit.jurisdiction.name if unit.jurisdiction_id else "",
                "aliases": sorted(alias.name for alias in unit.aliases.all()),
            }
            for unit in Unit.objects.select_related("jurisdiction")
            .prefetch_related("aliases")
            .order_by("sort_order", "name", "pk")
        ]
        names = display_names(units)
        for unit in units:
            unit["display_name"] = names[unit["id"]]
        groups = _groups()
        identity = identity_record()
    return {"notices": notices, "units": units, "groups": groups, "identity": identity}
