"""Admin ledger downloads: the filtered task list as BOM CSV or XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone

from cms.ledger.tables import build_ledger, write_csv, write_xlsx

from .models import Task


def task_record(task: Task, url: str = "") -> dict[str, Any]:
    page = task.page
    return {
        "row_id": task.row_id,
        "year": task.year,
        "doc_number": task.notice.doc_number,
        "doc_title": task.notice.title,
        "attachment": "" if page.pk == task.notice_id else page.title,
        "topic": task.topic,
        "task": task.task,
        "detail": task.detail,
        "deadline_text": task.deadline_text,
        "lead_units": task.lead_units(),
        "support_units": task.support_units(),
        "units_text": task.units_text,
        "progress_status": task.get_status_display(),
        "progress_note": task.status_note,
        "progress_date": task.status_date,
        "url": url,
    }


def ledger_response(tasks: Iterable[Task], fmt: str, base_url: str = "") -> FileResponse:
    tasks = list(tasks)
    records = [task_record(task, base_url + reverse("wagtailadmin_pages:edit", args=[task.page_id])) for task in tasks]
    frame = build_ledger(records)
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(frame, buffer)
        content_type = "text/csv; charset=utf-8"
    else:
        write_xlsx(frame, buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer.seek(0)
    # Django writes both an ASCII fallback and the RFC 5987 UTF-8 name.
    name = f"任务台账-{timezone.localdate():%Y%m%d}.{fmt}"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=content_type)
