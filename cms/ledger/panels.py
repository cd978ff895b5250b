"""The admin dashboard panel 临期/逾期任务: each user's items that need attention.

A unit editor sees their units' items; the office (unrestricted users)
sees every unit's. Recent 复核 results (销号 / 退回) are listed too, so a unit
learns there that an item was closed or sent back. Each of the user's units
also gets its calendar link.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from cms.units.models import Unit
from cms.workflow.scopes import restrict_tasks, scoped_unit_ids

from .models import DONE_STATUSES, REVIEW_STATUSES, Task, TaskProgress
from .warnings import OVERDUE, due_soon_days, warnings_for

PANEL_LIMIT = 50
RECENT_REVIEW_DAYS = 30
RECENT_REVIEW_LIMIT = 10


class DeadlineWarningsPanel(Component):
    name = "ledger_warnings"
    template_name = "ledger/home_warnings.html"
    order = 90

    def __init__(self, request: Any) -> None:
        self.request = request

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        user = self.request.user
        today = timezone.localdate()
        open_tasks = (
            restrict_tasks(Task.objects.exclude(status__in=DONE_STATUSES), user)
            .select_related("notice")
            .prefetch_related("task_units__unit")
        )
        found = warnings_for(open_tasks, today)
        unit_ids = scoped_unit_ids(user)
        units = Unit.objects.filter(pk__in=unit_ids) if unit_ids is not None else Unit.objects.none()
        visible = restrict_tasks(Task.objects.all(), user)
        reviews = TaskProgress.objects.filter(
            status__in=REVIEW_STATUSES,
            reported_on__gte=today - timedelta(days=RECENT_REVIEW_DAYS),
            row_id__in=visible.values("row_id"),
        ).order_by("-reported_on", "-created_at", "-pk")[:RECENT_REVIEW_LIMIT]
        titles = {t.row_id: t for t in visible.filter(row_id__in=[r.row_id for r in reviews])}
        return {
            "reviews": [(review, titles.get(review.row_id)) for review in reviews],
            "today": today,
            "days": due_soon_days(),
            "overdue": [w for w in found if w.state == OVERDUE][:PANEL_LIMIT],
            "due_soon": [w for w in found if w.state != OVERDUE][:PANEL_LIMIT],
            "overdue_count": sum(w.state == OVERDUE for w in found),
            "due_soon_count": sum(w.state != OVERDUE for w in found),
            "calendars": [(u.name, reverse("ledger_progress:calendar", args=[u.pk])) for u in units.order_by("name")],
            "ledger_url": reverse("ledger_task_modeladmin_index"),
        }

    def render_html(self, parent_context: Any = None) -> str:
        if not self.request.user.has_perm("ledger.view_task"):
            return ""
        return super().render_html(parent_context)
