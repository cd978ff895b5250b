from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from . import views
from .forms import can_import
from .models import ImportReport


class ImportReportIndexView(IndexView):
    """Each report in the list opens the readable report, not the raw model form."""

    def get_edit_url(self, instance: ImportReport) -> str:
        return reverse("importer:report", args=[instance.pk])


class ImportReportViewSet(SnippetViewSet):
    """Read-only list of import reports; editors open one to see what was recognised."""

    model = ImportReport
    icon = "doc-full"
    menu_label = "导入报告"
    menu_order = 310
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_fields = ["source_name", "created_at", "user", "notice", "coverage", "text"]
    list_display = ["source_name", "notice", "coverage", "created_at", "user"]
    search_fields = ["source_name", "text"]
    search_backend_name = None
    index_view_class = ImportReportIndexView


register_snippet(ImportReportViewSet)


@hooks.register("register_admin_urls")
def register_import_urls() -> list[Any]:
    urls: list[URLPattern] = [
        path("", views.ImportView.as_view(), name="upload"),
        path("reports/<int:pk>/", views.ImportReportView.as_view(), name="report"),
    ]
    return [path("import/", include((urls, "importer"), namespace="importer"))]


class ImportMenuItem(MenuItem):
    """Shown only to users who may add a notice to some 公文库 (the view enforces the same)."""

    def is_shown(self, request: HttpRequest) -> bool:
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item() -> MenuItem:
    return ImportMenuItem("导入文件", reverse("importer:upload"), name="import", icon_name="upload", order=305)
