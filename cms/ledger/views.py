"""Admin views of the ledger: 登记进展 and 复核 on one item, and a unit's calendar (ICS).

Plain views under Wagtail's admin URL hook (which already requires admin
access); the unit scope is checked here, on every request, with the same
helpers as the ledger list (cms.workflow.scopes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cms.units.models import Unit
from cms.workflow.scopes import can_report_on, can_review, reporting_units, restrict_tasks, scoped_unit_ids

from .calendar import unit_calendar
from .forms import ReportForm, ReviewForm
from .models import ProgressStatus, Task
from .progress import ProgressError, Report, history, record_progress, review


def inspect_url(task: Task) -> str:
    return reverse("ledger_task_modeladmin_inspect", args=[task.pk])


def _visible_task(request: HttpRequest, pk: int) -> Task:
    tasks = restrict_tasks(Task.objects.select_related("notice", "page"), request.user)
    return get_object_or_404(tasks, pk=pk)


def _item_form(
    request: HttpRequest, task: Task, form: Any, template: str, page_title: str, act: Callable[[dict], str]
) -> HttpResponse:
    """The shape 登记进展 and 复核 share: on a valid POST ``act`` records and returns the message."""
    if request.method == "POST" and form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ProgressError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, message)
            return redirect(inspect_url(task))
    context = {
        "task": task,
        "form": form,
        "page_title": page_title,
        "history": history(task),
        "back": inspect_url(task),
    }
    return TemplateResponse(request, template, context)


def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """登记进展 on one item, opened from its row or its page: nothing to type but the report."""
    task = _visible_task(request, pk)
    if not can_report_on(request.user, task):
        raise PermissionDenied("没有登记该任务进展的权限。")
    units = reporting_units(request.user, task)
    unit_required = scoped_unit_ids(request.user) is not None
    form = ReportForm(request.POST or None, request.FILES or None, task=task, units=units, unit_required=unit_required)

    def act(data: dict) -> str:
        report = Report(
            status=data["status"], note=data["note"], achieved=data.get("achieved"), reported_on=data["reported_on"]
        )
        record_progress(task, request.user, data.get("unit"), report, data["evidence"])
        return f"已登记“{task}”的进展：{ProgressStatus(data['status']).label}。"

    return _item_form(request, task, form, "ledger/report_form.html", "登记进展", act)


def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """复核: the office closes the item (销号) or sends it back (退回) with a reason."""
    task = _visible_task(request, pk)
    if not can_review(request.user):
        raise PermissionDenied("只有办公室可以复核销号。")

    def act(data: dict) -> str:
        review(task, request.user, data["decision"], data["reason"], data["reviewed_on"])
        label = "已销号" if data["decision"] == ProgressStatus.CLOSED else "已退回"
        return f"“{task}”{label}。"

    return _item_form(request, task, ReviewForm(request.POST or None), "ledger/review_form.html", "复核", act)


def calendar_view(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """A unit's due dates and check-ins as an ICS file (for phone calendars)."""
    unit = get_object_or_404(Unit, pk=unit_pk)
    unit_ids = scoped_unit_ids(request.user)
    if unit_ids is not None and unit.pk not in unit_ids:
        raise Http404("没有这个单位的日历。")
    tasks = restrict_tasks(Task.objects.filter(task_units__unit=unit).select_related("notice").distinct(), request.user)
    body = unit_calendar(unit, tasks, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    ascii_name, utf8_name = f"unit-{unit.pk}.ics", quote(f"{unit.name}任务日历.ics")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{utf8_name}"
    return response


def action_links(user: Any, task: Task) -> list[tuple[str, str]]:
    """(label, url) of the actions ``user`` has on ``task``'s row and page."""
    links = []
    if can_report_on(user, task) and task.status != ProgressStatus.CLOSED:
        links.append(("登记进展", reverse("ledger_progress:report", args=[task.pk])))
    if can_review(user) and task.status in (ProgressStatus.REQUESTED, ProgressStatus.DONE):
        links.append(("复核", reverse("ledger_progress:review", args=[task.pk])))
    return links
