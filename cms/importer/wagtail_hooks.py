from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ImportReport


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


register_snippet(ImportReportViewSet)
