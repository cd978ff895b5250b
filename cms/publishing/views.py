"""Admin screens for 网站导出: history, 立即导出, and a progress page that polls JSON.

Plain Django views wrapped by Wagtail's admin URL hook (which already
requires admin access); permissions are checked here on top, because
seeing the history and starting an export are different rights.  A
``PermissionDenied`` raised here becomes Wagtail's usual refusal (back to
the dashboard with an error message; a 403 for ``fetch`` calls that send
``X-Requested-With``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import ExportReason, ExportRun
from .services import request_export

ADD_PERMISSION = "publishing.add_exportrun"
VIEW_PERMISSION = "publishing.view_exportrun"


def can_export(user: Any) -> bool:
    """立即导出: superusers, or anyone given 'Can add 网站导出' in the group permissions."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(ADD_PERMISSION)))


def can_view(user: Any) -> bool:
    return bool(can_export(user) or (user.is_active and user.has_perm(VIEW_PERMISSION)))


def _require_view(request: HttpRequest) -> None:
    if not can_view(request.user):
        raise PermissionDenied("没有查看网站导出的权限。")


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def run_payload(run: ExportRun) -> dict[str, Any]:
    """What the progress page needs, and nothing editors should not see."""
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "reason_label": run.get_reason_display(),
        "finished": run.is_finished,
        "failed": run.is_failed,
        "progress": run.progress,
        "message": run.message,
        "pages": run.pages,
        "files": run.files,
        "size": run.size,
        "size_display": run.size_display,
        "duration": run.duration,
        "duration_display": run.duration_display,
        "created_at": _local(run.created_at),
        "started_at": _local(run.started_at),
        "finished_at": _local(run.finished_at),
    }


class RunIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "publishing/run_index.html"
    page_title = "网站导出"
    header_icon = "upload"
    breadcrumbs_items: list[dict[str, Any]] = []
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _require_view(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        runs = ExportRun.objects.select_related("triggered_by")
        page = Paginator(runs, self.paginate_by).get_page(self.request.GET.get("p"))
        context.update(page_obj=page, runs=page.object_list, can_export=can_export(self.request.user))
        return context


class RunDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "publishing/run_detail.html"
    header_icon = "upload"
    breadcrumbs_items: list[dict[str, Any]] = []

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _require_view(request)
        self.run = get_object_or_404(ExportRun.objects.select_related("triggered_by"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"网站导出 #{self.run.pk}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(run=self.run, status_url=reverse("publishing:status", args=[self.run.pk]))
        return context


@require_POST
def trigger_export(request: HttpRequest) -> HttpResponse:
    """立即导出: queue a manual export (debounced like every other trigger)."""
    if not can_export(request.user):
        raise PermissionDenied("没有启动网站导出的权限。")
    run, created = request_export(reason=ExportReason.MANUAL, user=request.user, title="")
    if created:
        messages.success(request, f"已加入导出队列（#{run.pk}），后台任务进程会依次执行。")
    else:
        messages.info(request, f"已有一个排队中的导出（#{run.pk}），它开始时会包含所有最新内容，本次请求已合并。")
    return redirect("publishing:detail", pk=run.pk)


@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    _require_view(request)
    run = get_object_or_404(ExportRun, pk=pk)
    response = JsonResponse(run_payload(run), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
