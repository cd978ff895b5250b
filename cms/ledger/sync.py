"""Keep the index of tracked items (tasks, targets, indicator cells) in step with what is live."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cms.documents.models import AttachmentPage, NoticePage
from cms.ledger.cadence import ongoing_cadence
from cms.ledger.obligations import KIND_COMMON, body_text, expand_units, is_target_document, iter_obligations
from cms.ledger.schedule import document_year, page_period, schedule_obligation
from cms.units.models import UnitGroup

from .models import Task, TaskProgress, TaskUnit


def latest_progress(row_ids: list[str]) -> dict[str, TaskProgress]:
    latest: dict[str, TaskProgress] = {}
    for progress in TaskProgress.objects.filter(row_id__in=row_ids).order_by("reported_on", "created_at", "pk"):
        latest[progress.row_id] = progress
    return latest


def _raw(page: Any) -> list[dict[str, Any]]:
    body = getattr(page, "body", None)
    return list(body.raw_data) if body is not None else []


def notice_text(notice: NoticePage) -> str:
    """The text of the notice and all pages below it: what a period or year is read from."""
    pages = [notice, *notice.get_descendants().specific().order_by("path")]
    return "\n".join(body_text(_raw(page)) for page in pages)


@transaction.atomic
def sync_page_tasks(page: Any) -> int:
    """Rebuild the index rows of one live document page; returns the row count.

    A new attachment can turn its notice into a cover letter whose numbered
    points are no longer targets, so the notice of a 目标责任 document is
    rebuilt with it (whatever order an import publishes pages in).  A
    published notice re-links the 共性目标 below it to its 主送 list.
    """
    page = page.specific
    count = _sync_one(page)
    if isinstance(page, NoticePage) and page.live:
        # Its 主送 list may have changed: the 共性目标 in its attachments follow it.
        resync_common_targets(page)
    notice = NoticePage.objects.ancestor_of(page).first() if not isinstance(page, NoticePage) else None
    if notice is not None and notice.live and is_target_document(notice.title):
        _sync_one(notice.specific)
    return count


def notice_addressees(notice: NoticePage) -> list[dict[str, Any]]:
    """The 主送 units and groups of a live notice, as references its 共性目标 apply to.

    Read from the page row's relations: Wagtail writes a page's
    ParentalManyToMany relations only when it publishes, so these are the
    live notice's addressees, never a draft's.
    """
    units = [{"unit": pk, "name": name} for pk, name in notice.addressee_units.order_by("pk").values_list("pk", "name")]
    groups = [
        {"group": pk, "name": name} for pk, name in notice.addressee_groups.order_by("pk").values_list("pk", "name")
    ]
    return units + groups


def group_members(group_ids: set[int]) -> dict[int, list[int]]:
    """Group id → member unit ids (registry order), in one query."""
    members: dict[int, list[int]] = {pk: [] for pk in group_ids}
    if not group_ids:
        return members
    through = UnitGroup.members.through
    rows = (
        through.objects.filter(unitgroup_id__in=group_ids)
        .order_by("unit__sort_order", "unit__name", "unit_id")
        .values_list("unitgroup_id", "unit_id")
    )
    for group_id, unit_id in rows:
        members[group_id].append(unit_id)
    return members


def _sync_one(page: Any) -> int:
    notice = page if isinstance(page, NoticePage) else NoticePage.objects.ancestor_of(page).first()
    body = getattr(page, "body", None)
    if notice is None or body is None or not page.live:
        Task.objects.filter(page=page).delete()
        return 0
    notice = notice.specific
    raw = _raw(page)
    letter_unit = getattr(page, "unit", None) if hasattr(page, "unit_id") else None
    # A cover notice with attachments: its numbered points say how to carry the targets out.
    cover = page.pk == notice.pk and AttachmentPage.objects.child_of(notice).exists()
    rows = list(
        iter_obligations(
            raw,
            title=page.title,
            letter_unit=letter_unit.pk if letter_unit else None,
            letter_unit_name=letter_unit.name if letter_unit else "",
            paragraph_targets=not cover,
            addressees=notice_addressees(notice),
        )
    )
    Task.objects.filter(page=page).exclude(row_id__in=[row_id for row_id, _ in rows]).delete()
    if not rows:
        return 0
    # The whole notice's text is read only when the page and the notice's 年度 do not say enough
    # (a notice with 40 letters would otherwise be read 40 times on import).
    text: list[str] = []

    def whole_text() -> str:
        if not text:
            text.append(notice_text(notice))
        return text[0]

    year = notice.year or document_year(None, notice.title, whole_text())
    period = page_period(page.title, body_text(raw), notice.title, whole_text, year)
    cadence = ongoing_cadence()
    progress = latest_progress([row_id for row_id, _ in rows])
    members = group_members({ref["group"] for _, row in rows for ref in row["units"] if ref.get("group")})
    for position, (row_id, row) in enumerate(rows):
        deadline_text = row.get("deadline") or ""
        schedule = schedule_obligation(
            deadline_text, f"{row.get('task') or ''}。{row.get('detail') or ''}", period, cadence
        )
        latest = progress.get(row_id)
        task, _ = Task.objects.update_or_create(
            page=page,
            row_id=row_id,
            defaults={
                "notice": notice,
                "kind": row["kind"],
                "year": year,
                "position": position,
                "topic": row.get("topic") or "",
                "task": row.get("task") or "",
                "detail": row.get("detail") or "",
                "deadline_text": deadline_text[:200],
                "due_date": schedule.due,
                "due_basis": schedule.basis,
                "checkpoints": [day.isoformat() for day in schedule.checkpoints],
                "deadline_kind": schedule.kind,
                "target_value": row.get("target_value"),
                "units_text": row.get("units_text") or "",
                "status": latest.status if latest else Task._meta.get_field("status").default,
                "status_note": latest.note if latest else "",
                "status_date": latest.reported_on if latest else None,
            },
        )
        task.task_units.all().delete()
        TaskUnit.objects.bulk_create(
            [
                TaskUnit(task=task, unit_id=link.unit, role=link.role, via_group_id=link.group)
                for link in expand_units(row["units"], members)
            ]
        )
    return len(rows)


def resync_notice(notice: NoticePage) -> int:
    """Rebuild a live notice's items and those of every live page below it (addressees or a group changed)."""
    notice = notice.specific
    if not notice.live:
        return 0
    count = _sync_one(notice)
    for page in notice.get_descendants().live().specific().order_by("path"):
        if getattr(page, "body", None) is not None:
            count += _sync_one(page)
    return count


def resync_common_targets(notice: NoticePage) -> None:
    """Re-link the pages of a live notice that hold 共性目标: its 主送 list decides who carries them."""
    pages = set(Task.objects.filter(notice=notice, kind=KIND_COMMON).values_list("page_id", flat=True))
    for page in notice.get_descendants().live().filter(pk__in=pages).specific():
        _sync_one(page)


def resync_group(group: UnitGroup) -> int:
    """A group's members changed: rebuild the live notices that use it (cheap: only those).

    Found through the links the group already gave (``via_group``), the
    notices addressed to it, and the written group names in the items
    (a group that had no members yet left no links).
    """
    names = [group.name, *group.spelling_list()]
    written = Task.objects.none()
    for name in names:
        written = written | Task.objects.filter(units_text__contains=name)
    notice_ids = (
        set(TaskUnit.objects.filter(via_group=group).values_list("task__notice_id", flat=True))
        | set(NoticePage.objects.filter(addressee_groups=group).values_list("pk", flat=True))
        | set(written.values_list("notice_id", flat=True))
    )
    count = 0
    for notice in NoticePage.objects.filter(pk__in=notice_ids, live=True).order_by("path"):
        count += resync_notice(notice)
    return count


def drop_page_tasks(page: Any) -> None:
    """A page (and what hangs below it) left the live site."""
    Task.objects.filter(page__in=page.get_descendants(inclusive=True)).delete()


def apply_progress(progress: TaskProgress) -> None:
    Task.objects.filter(row_id=progress.row_id).update(
        status=progress.status, status_note=progress.note, status_date=progress.reported_on
    )
