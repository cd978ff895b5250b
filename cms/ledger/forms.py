"""Forms of the ledger admin: 登记进展 (a unit's report) and 复核 (the office's review)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cms.ledger.obligations import KIND_INDICATOR
from cms.units.models import Unit

from .models import REPORT_STATUSES, ProgressStatus, Task


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def is_indicator(task: Task) -> bool:
    """Indicator items (指标) report a number achieved; so does any item with a target value."""
    return task.kind == KIND_INDICATOR or task.target_value is not None


class ReportForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=None, label="报告单位", required=False, empty_label="（办公室）"
    )
    status = forms.ChoiceField(label="进展状态", choices=[(s.value, s.label) for s in REPORT_STATUSES])
    note = forms.CharField(label="进展说明", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    achieved = forms.FloatField(label="完成数", required=False, min_value=0, help_text="指标类任务填写已完成的数量。")
    reported_on = forms.DateField(label="进展日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    evidence = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text="可选择多个文件：图片存入图片库，其他文件存入文档库（仅登录用户可查看）。",
    )

    def __init__(self, *args: Any, task: Task, units: list[Any], unit_required: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("reported_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above; Form.fields is typed as plain Field
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("name")
        field.required = unit_required
        if len(units) == 1:
            self.initial.setdefault("unit", units[0].pk)
        if not is_indicator(task):
            del self.fields["achieved"]
        if task.status in (ProgressStatus.NOT_STARTED, ProgressStatus.RETURNED):
            self.initial.setdefault("status", ProgressStatus.IN_PROGRESS)
        else:
            self.initial.setdefault("status", task.status)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns, typed without its Optional
        if cleaned.get("status") == ProgressStatus.REQUESTED and not (cleaned.get("note") or cleaned.get("evidence")):
            self.add_error("note", "申请销号时请写明完成情况或上传佐证材料。")
        return cleaned


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="复核结论",
        choices=[(ProgressStatus.CLOSED.value, "销号"), (ProgressStatus.RETURNED.value, "退回")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="意见或退回理由", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="退回时必填。"
    )
    reviewed_on = forms.DateField(label="复核日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("reviewed_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns, typed without its Optional
        if cleaned.get("decision") == ProgressStatus.RETURNED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "退回时请写明理由。")
        return cleaned
