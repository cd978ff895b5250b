"""Ledger admin with wagtail-modeladmin.

modeladmin (not a snippet viewset) because it gives Django-admin list
filters, including a computed 逾期 filter, and a spreadsheet export hook
that we point at the project's own Excel-safe writers.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.db.models import QuerySet
from django.urls import include, path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView, EditView, IndexView, InspectView

from cms.units.models import Unit
from cms.workflow.scopes import (
    ProgressScopePermissionHelper,
    TaskScopePermissionHelper,
    restrict_progress,
    restrict_tasks,
    scoped_progress_form_class,
)

from . import urls
from .exports import ledger_response
from .models import DONE_STATUSES, Task, TaskProgress
from .panels import DeadlineWarningsPanel
from .progress import history
from .views import action_links
from .warnings import OVERDUE, warning_for


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
        return [(str(u.pk), u.name) for u in Unit.objects.filter(task_units__isnull=False).distinct()]

    def queryset(self, request: Any, queryset: QuerySet) -> QuerySet:
        return queryset.filter(units__pk=self.value()).distinct() if self.value() else queryset


# The user whose ledger is being listed: modeladmin hands a list_display
# callable only the row, and one ModelAdmin instance serves every thread. The
# response renders after dispatch returns, so the value is set per request
# (and overwritten by the next one on the thread) rather than reset.
_listing_user: ContextVar[Any] = ContextVar("ledger_listing_user", default=None)


class LedgerIndexView(IndexView):
    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        _listing_user.set(request.user)
        return super().dispatch(request, *args, **kwargs)

    def as_spreadsheet(self, queryset: QuerySet, spreadsheet_format: str) -> Any:
        base = self.request.build_absolute_uri("/").rstrip("/")
        tasks = queryset.select_related("notice", "page").prefetch_related("task_units__unit", "task_units__via_group")
        return ledger_response(tasks, "csv" if spreadsheet_format == "csv" else "xlsx", base, self.request.GET)


class DerivedRowsPermissionHelper(TaskScopePermissionHelper):
    """Rows come from the published documents: nobody adds, edits or deletes them here."""

    def user_can_create(self, user: Any) -> bool:
        return False

    def user_can_edit_obj(self, user: Any, obj: Any) -> bool:
        return False

    def user_can_delete_obj(self, user: Any, obj: Any) -> bool:
        return False


class TaskInspectView(InspectView):
    """The task's own page in the admin: its fields, 登记进展 / 复核, and its history."""

    def get_template_names(self) -> list[str]:
        return ["ledger/task_inspect.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(actions=action_links(self.request.user, self.instance), history=history(self.instance))
        return context


class TaskAdmin(ModelAdmin):
    model = Task
    menu_label = "任务台账"
    menu_icon = "table"
    index_view_class = LedgerIndexView
    inspect_view_class = TaskInspectView
    list_display = [
        "task_title",
        "notice_number",
        "year",
        "deadline_text",
        "due_date",
        "leads",
        "unit_links",
        "status_label",
        "row_actions",
    ]
    list_filter = ["year", "kind", UnitFilter, "status", "deadline_kind", OverdueFilter]
    search_fields = ["task", "detail", "topic", "units_text", "notice__title", "notice__doc_number"]
    list_export = ["task", "detail"]  # any non-empty list shows the export buttons
    inspect_view_enabled = True
    list_per_page = 50
    # Unit editors see only their units' tasks (cms.workflow.scopes); rows are never edited here.
    permission_helper_class = DerivedRowsPermissionHelper

    def get_queryset(self, request: Any) -> QuerySet:
        queryset = (
            super()
            .get_queryset(request)
            .select_related("notice")
            .prefetch_related("task_units__unit", "task_units__via_group")
        )
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

    @admin.display(description="责任单位")
    def unit_links(self, obj: Task) -> str:
        # Units reached through a group (各乡镇（街道）) are listed under 经由 with the group's name.
        return obj.unit_summary()

    @admin.display(description="进展")
    def status_label(self, obj: Task) -> str:
        warning = warning_for(obj)
        if warning is not None:
            css = "w-status w-status--primary" if warning.state == OVERDUE else "w-status"
            return format_html('<span class="{}">{}</span> {}', css, warning.label, obj.get_status_display())
        return obj.get_status_display()

    @admin.display(description="操作")
    def row_actions(self, obj: Task) -> str:
        user = _listing_user.get()
        if user is None:
            return ""
        return format_html_join(
            " ",
            '<a class="button button-small button-secondary" href="{}">{}</a>',
            ((url, label) for label, url in action_links(user, obj)),
        )

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
    form_fields_exclude = ["user", "evidence_documents", "evidence_images"]

    def get_queryset(self, request: Any) -> QuerySet:
        return restrict_progress(super().get_queryset(request), request.user)


class LedgerGroup(ModelAdminGroup):
    menu_label = "任务台账"
    menu_icon = "table"
    menu_order = 250
    items = (TaskAdmin, TaskProgressAdmin)


modeladmin_register(LedgerGroup)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("ledger/progress/", include(urls, namespace="ledger_progress"))]


@hooks.register("construct_homepage_panels")
def add_warnings_panel(request: Any, panels: list[Any]) -> None:
    panels.insert(0, DeadlineWarningsPanel(request))
