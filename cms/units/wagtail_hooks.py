"""单位库 in the admin: units, jurisdictions and unit groups; merge and the bulk actions; the merge history entry."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .chooser import UnitChooserViewSet
from .merge import MERGE_ACTION
from .models import Jurisdiction, Unit, UnitGroup
from .views import (
    ConfirmBulkAction,
    JurisdictionBulkAction,
    KindBulkAction,
    MergeBulkAction,
    MergeUnitsView,
    UnitAdminForm,
    UnitEditView,
)


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    menu_label = "责任单位"
    list_display = ["name", "jurisdiction", "kind", "parent", "needs_review"]
    list_filter = ["jurisdiction", "kind", "needs_review"]
    search_fields = ["name", "aliases__name"]
    ordering = ["sort_order", "name"]
    search_backend_name = None  # substring search suits Chinese names better than tokenised search
    chooser_viewset_class = UnitChooserViewSet
    edit_view_class = UnitEditView
    edit_handler = ObjectList(Unit.panels, base_form_class=UnitAdminForm)


class JurisdictionViewSet(SnippetViewSet):
    model = Jurisdiction
    icon = "site"
    menu_label = "行政区划"
    list_display = ["name", "level", "parent", "code"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    search_backend_name = None


class UnitGroupViewSet(SnippetViewSet):
    model = UnitGroup
    icon = "list-ul"
    menu_label = "单位组"
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "spellings"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("jurisdiction"),
        FieldPanel("members", help_text="这一组包含的单位；文件写到这一组时，事项出现在每个成员单位的页面和台账上。"),
        FieldPanel("spellings"),
    ]


class UnitRegistryGroup(SnippetViewSetGroup):
    items = (UnitViewSet, UnitGroupViewSet, JurisdictionViewSet)
    menu_label = "单位库"
    menu_icon = "group"
    menu_order = 300


register_snippet(UnitRegistryGroup)


@hooks.register("register_admin_urls")
def register_merge_url() -> list[Any]:
    return [path("units/merge/", MergeUnitsView.as_view(), name="units_merge")]


for bulk_action in (MergeBulkAction, ConfirmBulkAction, KindBulkAction, JurisdictionBulkAction):
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_log_actions")
def register_merge_log_action(actions: Any) -> None:
    @actions.register_action(MERGE_ACTION)
    class MergeFormatter(LogFormatter):
        label = "合并单位"

        def format_message(self, log_entry: Any) -> str:
            data = log_entry.data or {}
            names = "、".join(data.get("absorbed") or [])
            counts = data.get("counts") or {}
            return format_html(
                "并入：{}（任务 {} 项、责任书 {} 份、进展 {} 条、单位组 {} 个、新增别名 {} 个）",
                names or "—",
                counts.get("tasks", 0),
                counts.get("letters", 0),
                counts.get("progress", 0),
                counts.get("groups", 0),
                counts.get("aliases", 0),
            )
