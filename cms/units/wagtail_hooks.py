from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .chooser import UnitChooserViewSet
from .models import Jurisdiction, Unit, UnitGroup


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    menu_label = "责任单位"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "parent", "needs_review"]
    list_filter = ["kind", "needs_review"]
    search_fields = ["name", "aliases__name"]
    ordering = ["sort_order", "name"]
    search_backend_name = None  # substring search suits Chinese names better than tokenised search
    chooser_viewset_class = UnitChooserViewSet


register_snippet(UnitViewSet)


class UnitGroupViewSet(SnippetViewSet):
    model = UnitGroup
    icon = "group"
    menu_label = "单位组"
    add_to_admin_menu = False
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "spellings"]
    search_backend_name = None


class JurisdictionViewSet(SnippetViewSet):
    model = Jurisdiction
    icon = "site"
    menu_label = "行政区划"
    add_to_admin_menu = False
    list_display = ["name", "level", "parent", "code"]
    search_fields = ["name", "code"]
    search_backend_name = None


register_snippet(UnitGroupViewSet)
register_snippet(JurisdictionViewSet)
