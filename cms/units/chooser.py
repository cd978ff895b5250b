"""The 责任单位 chooser modal: search by any part of a unit's name or alias.

Units are not in the full-text index; a substring query over a few hundred
names is instant and finds 岩前镇 inside "岩前镇人民政府" as editors expect.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet


class UnitSearchForm(BaseFilterForm):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "单位名称或别名的一部分，如 岩前镇"}),
    )

    def filter(self, objects: QuerySet) -> QuerySet:
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(Q(name__icontains=query) | Q(aliases__name__icontains=query)).distinct()
            self.is_searching = True
            self.search_query = query
        return objects


class UnitChooseView(ChooseView):
    filter_form_class = UnitSearchForm


class UnitChooseResultsView(ChooseResultsView):
    filter_form_class = UnitSearchForm


class UnitChooserViewSet(SnippetChooserViewSet):
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView
