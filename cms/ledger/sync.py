"""Keep the task index in step with what is live."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cms.core.tasks import iter_task_rows
from cms.documents.models import NoticePage
from cms.ledger.deadlines import parse_deadline

from .models import Task, TaskProgress, TaskUnit


def latest_progress(row_ids: list[str]) -> dict[str, TaskProgress]:
    latest: dict[str, TaskProgress] = {}
    for progress in TaskProgress.objects.filter(row_id__in=row_ids).order_by("reported_on", "created_at", "pk"):
        latest[progress.row_id] = progress
    return latest


@transaction.atomic
def sync_page_tasks(page: Any) -> int:
    """Rebuild the index rows of one live document page; returns the row count."""
    page = page.specific
    notice = page if isinstance(page, NoticePage) else NoticePage.objects.ancestor_of(page).first()
    body = getattr(page, "body", None)
    if notice is None or body is None or not page.live:
        Task.objects.filter(page=page).delete()
        return 0
    rows = list(iter_task_rows(body.raw_data))
    Task.objects.filter(page=page).exclude(row_id__in=[row_id for row_id, _ in rows]).delete()
    progress = latest_progress([row_id for row_id, _ in rows])
    for position, (row_id, row) in enumerate(rows):
        deadline = parse_deadline(row.get("deadline") or "")
        latest = progress.get(row_id)
        task, _ = Task.objects.update_or_create(
            page=page,
            row_id=row_id,
            defaults={
                "notice": notice,
                "year": notice.year,
                "position": position,
                "topic": row.get("topic") or "",
                "task": row.get("task") or "",
                "detail": row.get("detail") or "",
                "deadline_text": (row.get("deadline") or "")[:200],
                "due_date": deadline.due,
                "deadline_kind": deadline.kind,
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
