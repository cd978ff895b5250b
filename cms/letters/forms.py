"""Choosing a template letter and the units to write letters for."""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.admin.widgets import AdminPageChooser

from cms.documents.models import AttachmentPage, ResponsibilityLetterPage
from cms.units.models import Unit


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class GenerateLettersForm(forms.Form):
    template = forms.ModelChoiceField(
        label="模板责任书",
        queryset=ResponsibilityLetterPage.objects.all(),
        widget=AdminPageChooser(target_models=[ResponsibilityLetterPage]),
        help_text="选一份已有的目标责任书作为模板；新责任书放在同一附件下，正文从模板复制。",
    )
    units = UnitChoiceField(
        label="责任单位",
        queryset=Unit.objects.order_by("kind", "sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="为每个勾选的单位生成一份草稿；该附件下已有责任书的单位会跳过。",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_template(self) -> ResponsibilityLetterPage:
        template: ResponsibilityLetterPage = self.cleaned_data["template"]
        parent = template.get_parent().specific
        if not isinstance(parent, AttachmentPage):
            raise forms.ValidationError("这份责任书不在附件之下，不能作为模板。")
        if not parent.permissions_for_user(self.user).can_add_subpage():
            raise forms.ValidationError(f"您没有在“{parent.title}”下新建责任书的权限，请选择其他模板。")
        return template
