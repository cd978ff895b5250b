"""Ledger admin with wagtail-modeladmin.

modeladmin (not a snippet viewset) because it gives Django-admin list
filters, including a computed 逾期 filter, and a spreadsheet export hook
that we point at the project's own Excel-safe writers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView, EditView, IndexView

from cms.workflow.scopes import (
    ProgressScopePermissionHelper,
    TaskScopePermissionHelper,
    restrict_progress,
    restrict_tasks,
    scoped_progress_form_class,
)

from .exports import ledger_response
from .models import DONE_STATUSES, Task, TaskProgress


class OverdueFilter(SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "逾期"), ("no", "未逾期")]

    def queryset(self, request: Any, queryset: QuerySet) -> QuerySet:
        overdue = {"due_date__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue).exclude(status__in=DONE_STATUSES)
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.filter(**overdue).exclude(status__in=DONE_STATUSES))
        return queryset


class UnitFilter(SimpleListFilter):
    title = "责任单位"
    parameter_name = "unit"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        from cms.units.models import Unit

        return [(str(u.pk), u.name) for u in Unit.objects.filter(task_units__isnull=False).distinct()]

    def queryset(self, request: Any, queryset: QuerySet) -> QuerySet:
        return queryset.filter(units__pk=self.value()).distinct() if self.value() else queryset


class LedgerIndexView(IndexView):
    def as_spreadsheet(self, queryset: QuerySet, spreadsheet_format: str) -> Any:
        base = self.request.build_absolute_uri("/").rstrip("/")
        tasks = queryset.select_related("notice", "page").prefetch_related("task_units__unit")
        return ledger_response(tasks, "csv" if spreadsheet_format == "csv" else "xlsx", base, self.request.GET)


class TaskAdmin(ModelAdmin):
    model = Task
    menu_label = "任务台账"
    menu_icon = "table"
    index_view_class = LedgerIndexView
    list_display = ["task_title", "notice_number", "year", "deadline_text", "due_date", "leads", "status_label"]
    list_filter = ["year", "kind", UnitFilter, "status", "deadline_kind", OverdueFilter]
    search_fields = ["task", "detail", "topic", "units_text", "notice__title", "notice__doc_number"]
    list_export = ["task", "detail"]  # any non-empty list shows the export buttons
    inspect_view_enabled = True
    list_per_page = 50
    # Unit editors see only their units' tasks (cms.workflow.scopes).
    permission_helper_class = TaskScopePermissionHelper

    def get_queryset(self, request: Any) -> QuerySet:
        queryset = super().get_queryset(request).select_related("notice").prefetch_related("task_units__unit")
        return restrict_tasks(queryset, request.user)

    @admin.display(description="工作任务")
    def task_title(self, obj: Task) -> str:
        return (obj.task or obj.detail)[:40]


    @admin.display(description="文件")
    def notice_number(self, obj: Task) -> str:
        return obj.notice.doc_number or obj.notice.title[:20]


    @admin.display(description="牵头单位")
    def leads(self, obj: Task) -> str:
        return "、".join(obj.lead_units())


    @admin.display(description="进展")
    def status_label(self, obj: Task) -> str:
        if obj.overdue:
            return format_html('<span class="status-tag status-tag--critical">逾期</span> {}', obj.get_status_display())
        return obj.get_status_display()


    def get_extra_class_names_for_field_col(self, obj: Task, field_name: str) -> list[str]:
        return ["overdue"] if field_name == "status_label" and obj.overdue else []


class ProgressCreateView(CreateView):
    """Opened from a task with ?row_id=…, so the unit only picks a status."""

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if "row_id" in self.request.GET:
            initial["row_id"] = self.request.GET["row_id"]
        return initial

    def get_form_class(self) -> Any:
        return scoped_progress_form_class(super().get_form_class(), self.request.user)

    def form_valid(self, form: Any) -> Any:
        form.instance.user = self.request.user
        return super().form_valid(form)


class ProgressEditView(EditView):
    """Same unit scope as creating: a unit cannot move a report onto another unit's task."""

    def get_form_class(self) -> Any:
        return scoped_progress_form_class(super().get_form_class(), self.request.user)


class TaskProgressAdmin(ModelAdmin):
    model = TaskProgress
    menu_label = "任务进展"
    menu_icon = "time"
    create_view_class = ProgressCreateView
    edit_view_class = ProgressEditView
    permission_helper_class = ProgressScopePermissionHelper
    list_display = ["row_id", "status", "note", "reported_on", "unit", "user"]
    list_filter = ["status"]
    search_fields = ["row_id", "note"]
    form_fields_exclude = ["user"]

    def get_queryset(self, request: Any) -> QuerySet:
        return restrict_progress(super().get_queryset(request), request.user)


class LedgerGroup(ModelAdminGroup):
    menu_label = "任务台账"
    menu_icon = "table"
    menu_order = 250
    items = (TaskAdmin, TaskProgressAdmin)


modeladmin_register(LedgerGroup)
