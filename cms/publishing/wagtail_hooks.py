"""Menu item 网站导出, its admin URLs, and its permissions in the group editor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .views import can_view


class ExportMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return can_view(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("publishing/", include(urls, namespace="publishing"))]


@hooks.register("register_admin_menu_item")
def register_menu_item() -> MenuItem:
    return ExportMenuItem("网站导出", reverse("publishing:index"), name="publishing", icon_name="upload", order=900)


@hooks.register("register_permissions")
def register_permissions() -> QuerySet[Permission]:
    # 'add' = may press 立即导出, 'view' = may see the history.
    return Permission.objects.filter(
        content_type__app_label="publishing", codename__in=["add_exportrun", "view_exportrun"]
    )
