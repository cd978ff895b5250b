"""Admin views for cleaning the registry: merge units, and the bulk actions of the 责任单位 listing.

The merge itself is :func:`cms.units.merge.merge_units`; these views show
what it will move, let the editor pick the unit to keep, and call it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin import messages as wagtail_messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import EditView

from .choices import UnitKind
from .merge import merge_units, merge_url, preview_merge
from .models import Jurisdiction, Unit

unit_permissions = ModelPermissionPolicy(Unit)


def can_merge(user: Any) -> bool:
    """A merge changes one unit and deletes the others."""
    return unit_permissions.user_has_permission(user, "change") and unit_permissions.user_has_permission(user, "delete")


def unit_edit_url(unit: Unit) -> str:
    return reverse(Unit.snippet_viewset.get_url_name("edit"), args=[unit.pk])


def unit_index_url() -> str:
    return reverse(Unit.snippet_viewset.get_url_name("list"))


def _pks(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.strip().isdigit()]


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label="保留的单位",
        queryset=Unit.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="其余单位并入这个单位：名称成为它的别名，任务、目标、责任书、进展、单位组成员关系全部转到它名下，然后删除。",
    )
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units]).select_related("jurisdiction")
        self.fields["keep"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["keep"].label_from_instance = _unit_label  # type: ignore[attr-defined]
        self.fields["units"].queryset = queryset  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if len(data.get("units") or []) < 2:
            raise forms.ValidationError("请至少选择两个单位进行合并。")
        return data


def _unit_label(unit: Unit) -> str:
    where = f"（{unit.jurisdiction}）" if unit.jurisdiction_id else ""
    return f"{unit.name}{where}"


class MergeUnitsView(WagtailAdminTemplateMixin, FormView):
    """GET ?keep=&absorb=…: what will move and which unit to keep; POST: merge."""

    template_name = "units/merge.html"
    form_class = MergeForm
    page_title = "合并单位"
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_merge(request.user):
            return TemplateResponse(
                request,
                "units/forbidden.html",
                {
                    "page_title": "没有权限",
                    "header_title": "没有权限",
                    "message": "合并单位需要修改和删除责任单位的权限。",
                },
                status=403,
            )
        source = request.POST if request.method == "POST" else request.GET
        keep = _pks(source.getlist("keep"))
        pks = [*keep, *_pks(source.getlist("absorb")), *_pks(source.getlist("units"))]
        by_pk = Unit.objects.select_related("jurisdiction").in_bulk(pks)
        self.units = [by_pk[pk] for pk in dict.fromkeys(pks) if pk in by_pk]
        self.initial_keep = by_pk.get(keep[0]) if keep else None
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [*self.breadcrumbs_items, {"url": unit_index_url(), "label": "责任单位"}, {"url": "", "label": "合并"}]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "units": self.units}

    def get_initial(self) -> dict[str, Any]:
        return {"keep": self.initial_keep or (self.units[0] if self.units else None), "units": self.units}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        keep = self.initial_keep or (self.units[0] if self.units else None)
        rows = []
        for unit in self.units:
            others = [other for other in self.units if other.pk != unit.pk]
            counts = preview_merge(keep=others[0], absorbed=[unit]) if others else None
            rows.append({"unit": unit, "counts": counts, "aliases": list(unit.aliases.values_list("name", flat=True))})
        context.update(
            {
                "rows": rows,
                "keep": keep,
                "too_few": len(self.units) < 2,
                "index_url": unit_index_url(),
                "action_url": reverse("units_merge"),
            }
        )
        return context

    def form_valid(self, form: MergeForm) -> HttpResponse:
        keep: Unit = form.cleaned_data["keep"]
        absorbed = [unit for unit in form.cleaned_data["units"] if unit.pk != keep.pk]
        result = merge_units(keep, absorbed, self.request.user)
        messages.success(
            self.request,
            f"已合并：{'、'.join(result.absorbed_names)} 并入“{keep.name}”"
            f"（任务 {result.tasks} 项、责任书 {result.letters} 份、进展 {result.progress} 条、"
            f"单位组 {result.groups} 个、新增别名 {result.aliases} 个）。",
        )
        return redirect(unit_edit_url(keep))


# --- bulk actions on the 责任单位 listing -------------------------------------------------------------


class UnitBulkAction(SnippetBulkAction):
    """Bulk actions that only make sense for units."""

    models = [Unit]
    action_priority = 20

    def check_perm(self, unit: Unit) -> bool:
        return unit_permissions.user_has_permission_for_instance(self.request.user, "change", unit)


class MergeBulkAction(UnitBulkAction):
    """合并: the selection goes to the merge view, which asks which unit to keep."""

    display_name = "合并"
    action_type = "merge"
    aria_label = "合并选中的单位"
    action_priority = 10
    template_name = "units/bulk_merge.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        units, _ = self.get_actionable_objects()
        order = {pk: n for n, pk in enumerate(_pks(request.GET.getlist("id")))}
        units = sorted(units, key=lambda unit: order.get(unit.pk, len(order)))  # the first selected is kept
        if len(units) < 2:
            messages.error(request, "请至少选择两个单位进行合并。")
            return redirect(self.next_url)
        return redirect(merge_url(keep=units[0], absorb=units[1:]))


class ConfirmBulkAction(UnitBulkAction):
    display_name = "设为已确认"
    action_type = "confirm"
    aria_label = "将选中的单位设为已确认"
    template_name = "units/bulk_confirm.html"

    @classmethod
    def execute_action(cls, objects: list[Unit], **kwargs: Any) -> tuple[int, int]:
        return Unit.objects.filter(pk__in=[unit.pk for unit in objects]).update(needs_review=False), 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return f"已将 {num_parent_objects} 个单位设为已确认。"


class KindForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices)


class KindBulkAction(UnitBulkAction):
    display_name = "修改类别"
    action_type = "set_kind"
    aria_label = "修改选中单位的类别"
    template_name = "units/bulk_set_field.html"
    form_class = KindForm

    def get_execution_context(self) -> dict[str, Any]:
        return {"kind": self.cleaned_form.cleaned_data["kind"]}

    @classmethod
    def execute_action(cls, objects: list[Unit], kind: str = "", **kwargs: Any) -> tuple[int, int]:
        return Unit.objects.filter(pk__in=[unit.pk for unit in objects]).update(kind=kind), 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        label = UnitKind(self.cleaned_form.cleaned_data["kind"]).label
        return f"已将 {num_parent_objects} 个单位的类别改为“{label}”。"


class JurisdictionForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label="所属区划", queryset=Jurisdiction.objects.all(), required=False, empty_label="（不属于任何区划）"
    )

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units or []

    def clean_jurisdiction(self) -> Jurisdiction | None:
        # Names are unique per jurisdiction: moving two 市公安局 into one area is a merge, not a move.
        target = self.cleaned_data.get("jurisdiction")
        names = [unit.name for unit in self.units]
        moving = [unit.pk for unit in self.units]
        clashes = sorted(
            {name for name in names if names.count(name) > 1}
            | set(
                Unit.objects.filter(jurisdiction=target, name__in=names)
                .exclude(pk__in=moving)
                .values_list("name", flat=True)
            )
        )
        if clashes:
            raise forms.ValidationError(
                f"目标区划中已有同名单位：{'、'.join(clashes)}。同一区划内单位名称不能重复，如是同一单位请使用“合并”。"
            )
        return target


class JurisdictionBulkAction(UnitBulkAction):
    display_name = "修改所属区划"
    action_type = "set_jurisdiction"
    aria_label = "修改选中单位的所属区划"
    template_name = "units/bulk_set_field.html"
    form_class = JurisdictionForm

    def get_form_kwargs(self) -> dict[str, Any]:
        units, _ = self.get_actionable_objects()
        return {**super().get_form_kwargs(), "units": units}

    def get_execution_context(self) -> dict[str, Any]:
        return {"jurisdiction": self.cleaned_form.cleaned_data["jurisdiction"]}

    @classmethod
    def execute_action(
        cls, objects: list[Unit], jurisdiction: Jurisdiction | None = None, **kwargs: Any
    ) -> tuple[int, int]:
        return Unit.objects.filter(pk__in=[unit.pk for unit in objects]).update(jurisdiction=jurisdiction), 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        target = self.cleaned_form.cleaned_data["jurisdiction"]
        return f"已将 {num_parent_objects} 个单位的所属区划改为“{target or '无'}”。"


# --- the unit edit form: an alias that is another unit's name offers the merge ------------------------


def alias_clashes(unit: Unit, names: list[str]) -> list[Unit]:
    """Units of ``unit``'s jurisdiction whose name is one of ``names`` (the alias would be ambiguous)."""
    return list(
        Unit.objects.filter(name__in=[name for name in names if name], jurisdiction=unit.jurisdiction_id)
        .exclude(pk=unit.pk)
        .order_by("name")
    )


class UnitAdminForm(WagtailAdminModelForm):
    """The unit form refuses an alias that is another unit's name in the unit's jurisdiction.

    ``UnitAlias.clean`` cannot see its unit inside the inline formset (the
    parent key is set only on save), so the check runs here, where the
    submitted jurisdiction is known too.
    """

    def is_valid(self) -> bool:
        valid = super().is_valid()
        formset = getattr(self, "formsets", {}).get("aliases")
        if formset is None:
            return valid
        data = getattr(self, "cleaned_data", {}) or {}
        jurisdiction = data.get("jurisdiction", self.instance.jurisdiction)
        for alias_form in formset.forms:
            cleaned = getattr(alias_form, "cleaned_data", None) or {}
            name = (cleaned.get("name") or "").strip()
            if not name or cleaned.get("DELETE"):
                continue
            clash = Unit.objects.filter(name=name, jurisdiction=jurisdiction).exclude(pk=self.instance.pk).first()
            if clash is not None:
                alias_form.add_error(
                    "name", f"“{name}”已是单位“{clash}”的名称。如果两者是同一单位，请使用页面上方的“合并”按钮。"
                )
                valid = False
        return valid


class UnitEditView(EditView):
    """The field error under the alias says what is wrong; the message above it carries the merge button."""

    def form_invalid(self, form: Any) -> HttpResponse:
        formset = getattr(form, "formsets", {}).get("aliases")
        if formset is not None and self.object is not None:
            names = [
                (alias_form.data.get(f"{alias_form.prefix}-name") or "").strip()
                for alias_form in formset.forms
                if alias_form.errors.get("name")
            ]
            for clash in alias_clashes(self.object, names):
                wagtail_messages.warning(
                    self.request,
                    f"别名“{clash.name}”已是另一个单位的名称。如果两者是同一单位，请使用“合并”。",
                    buttons=[
                        wagtail_messages.button(merge_url(keep=self.object, absorb=[clash]), f"合并“{clash.name}”")
                    ],
                )
        return super().form_invalid(form)
