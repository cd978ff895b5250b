"""Menu 年度考核: the schemes (modeladmin) and their ranking / score-sheet screens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from cms.workflow.scopes import can_review

from . import urls
from .models import AssessmentScheme


class OfficePermissionHelper(PermissionHelper):
    """Schemes are the office's: central users who review the ledger (superusers too)."""

    def user_can_list(self, user: Any) -> bool:
        return can_review(user)

    def user_can_create(self, user: Any) -> bool:
        return can_review(user)

    def user_can_edit_obj(self, user: Any, obj: Any) -> bool:
        return can_review(user)

    def user_can_delete_obj(self, user: Any, obj: Any) -> bool:
        return can_review(user)

    def user_can_inspect_obj(self, user: Any, obj: Any) -> bool:
        return False  # no inspect view: the ranking screen is the scheme's page


class AssessmentSchemeAdmin(ModelAdmin):
    model = AssessmentScheme
    menu_label = "年度考核"
    menu_icon = "tasks"
    menu_order = 260
    permission_helper_class = OfficePermissionHelper
    list_display = ["notice", "excellent_min", "good_min", "pass_min", "late_factor", "ranking_link"]

    @admin.display(description="考核")
    def ranking_link(self, obj: AssessmentScheme) -> str:
        return format_html(
            '<a class="button button-small" href="{}">考核排名</a>', reverse("assessment:ranking", args=[obj.pk])
        )


modeladmin_register(AssessmentSchemeAdmin)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("assessment/", include(urls, namespace="assessment"))]
