"""Read-only headless API over the public view (主动公开, live, not expired)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from cms.documents.models import NoticePage
from cms.ledger.models import Task


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, limited to what the static site publishes."""

    def get_base_queryset(self) -> QuerySet:
        return Page.objects.filter(pk__in=NoticePage.objects.public_tree_ids()).order_by("path")


class PublicTasksAPIView(APIView):
    """Task rows of public pages; progress only where the notice publishes it."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tasks = (
            Task.objects.filter(page_id__in=NoticePage.objects.public_tree_ids())
            .select_related("notice")
            .prefetch_related("task_units__unit")
            .order_by("notice__path", "page__path", "position")
        )
        unit = request.query_params.get("unit")
        if unit:
            tasks = tasks.filter(units__slug=unit).distinct()
        items = []
        for task in tasks:
            item = {
                "id": task.row_id,
                "kind": task.kind,
                "page": task.page_id,
                "notice": {"id": task.notice_id, "title": task.notice.title, "doc_number": task.notice.doc_number},
                "year": task.year,
                "topic": task.topic,
                "task": task.task,
                "detail": task.detail,
                "deadline_text": task.deadline_text,
                "due_date": task.due_date.isoformat() if task.due_date else None,
                "deadline_kind": task.deadline_kind,
                "checkpoints": list(task.checkpoints or []),
                "target_value": task.target_value,
                "lead_units": task.lead_units(),
                "support_units": task.support_units(),
                "units_text": task.units_text,
            }
            if task.notice.publish_progress:
                item["progress"] = {
                    "status": task.get_status_display(),
                    "note": task.status_note,
                    "date": task.status_date.isoformat() if task.status_date else None,
                }
            items.append(item)
        return Response({"meta": {"total_count": len(items)}, "items": items})
