"""Keep the index of tracked items (tasks, targets, indicator cells) in step with what is live."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cms.documents.models import AttachmentPage, NoticePage
from cms.ledger.cadence import ongoing_cadence
from cms.ledger.obligations import body_text, is_target_document, iter_obligations
from cms.ledger.schedule import document_year, page_period, schedule_obligation

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
    rebuilt with it (whatever order an import publishes pages in).
    """
    page = page.specific
    count = _sync_one(page)
    notice = NoticePage.objects.ancestor_of(page).first() if not isinstance(page, NoticePage) else None
    if notice is not None and notice.live and is_target_document(notice.title):
        _sync_one(notice.specific)
    return count


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
        seen: set[int] = set()
        links = []
        for ref in row["units"]:
            if ref["unit"] and ref["unit"] not in seen:
                seen.add(ref["unit"])
                links.append(TaskUnit(task=task, unit_id=ref["unit"], role=ref["role"]))
        TaskUnit.objects.bulk_create(links)
    return len(rows)


def drop_page_tasks(page: Any) -> None:
    """A page (and what hangs below it) left the live site."""
    Task.objects.filter(page__in=page.get_descendants(inclusive=True)).delete()


def apply_progress(progress: TaskProgress) -> None:
    Task.objects.filter(row_id=progress.row_id).update(
        status=progress.status, status_note=progress.note, status_date=progress.reported_on
    )
