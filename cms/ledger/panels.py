"""The admin dashboard panel 临期/逾期任务: each user's items that need attention.

A unit editor sees their units' items; the office (unrestricted users)
sees every unit's. Each of the user's units also gets its calendar link.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from cms.units.models import Unit
from cms.workflow.scopes import restrict_tasks, scoped_unit_ids

from .models import DONE_STATUSES, Task
from .warnings import OVERDUE, due_soon_days, warnings_for

PANEL_LIMIT = 50


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
        return {
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
