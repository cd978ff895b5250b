"""Unit scopes for the ledger admin: who may see and report on which tasks.

Pages are protected by Wagtail's page permissions (a unit group only has
permissions on its own section). The ledger has no pages, so its rows are
filtered here, from the user's :class:`~cms.workflow.models.UnitEditorScope`.

A user is *unrestricted* when they are a superuser or belong to any group
that holds ledger permissions without being a unit group (the central
编辑 / 审核 / 签发 offices, or whatever an administrator sets up). Everyone
else sees only the tasks of the units their groups are scoped to.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from wagtail_modeladmin.helpers import PermissionHelper

from cms.ledger.models import Task, TaskUnit
from cms.units.models import Unit

from .models import UnitEditorScope

_CACHE_ATTR = "_workflow_unit_scope"


def scoped_unit_ids(user: Any) -> frozenset[int] | None:
    """Unit ids ``user`` is limited to, or ``None`` when not limited."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    if hasattr(user, _CACHE_ATTR):
        return getattr(user, _CACHE_ATTR)

    ledger = Permission.objects.filter(content_type__app_label="ledger")
    central = (
        ledger.filter(group__user=user, group__unit_scope__isnull=True).exists() or ledger.filter(user=user).exists()
    )
    result = (
        None
        if central
        else frozenset(UnitEditorScope.objects.filter(group__user=user).values_list("unit_id", flat=True))
    )
    setattr(user, _CACHE_ATTR, result)
    return result


def _row_ids_for(unit_ids: frozenset[int]) -> QuerySet:

    return Task.objects.filter(task_units__unit_id__in=unit_ids).values("row_id")


def restrict_tasks(queryset: QuerySet, user: Any) -> QuerySet:
    """Tasks ``user`` may see: all, or those whose units include one of theirs."""
    unit_ids = scoped_unit_ids(user)
    if unit_ids is None:
        return queryset

    return queryset.filter(pk__in=TaskUnit.objects.filter(unit_id__in=unit_ids).values("task_id"))


def restrict_progress(queryset: QuerySet, user: Any) -> QuerySet:
    """Progress reports ``user`` may see: their units' reports and reports on their tasks."""
    unit_ids = scoped_unit_ids(user)
    if unit_ids is None:
        return queryset
    return queryset.filter(Q(unit_id__in=unit_ids) | Q(row_id__in=_row_ids_for(unit_ids)))


def can_report(user: Any, row_id: str, unit_id: int | None) -> bool:
    """Whether ``user`` may record progress on task ``row_id`` for ``unit_id``."""
    unit_ids = scoped_unit_ids(user)
    if unit_ids is None:
        return True

    return unit_id in unit_ids and TaskUnit.objects.filter(task__row_id=row_id, unit_id=unit_id).exists()


def scoped_progress_form_class(form_class: type[forms.ModelForm], user: Any) -> type[forms.ModelForm]:
    """The TaskProgress form, narrowed to ``user``'s units and their tasks.

    A unit editor picks the task from a list of their own tasks instead of
    typing an id, must name the reporting unit, and the form refuses any pair
    the scope does not allow (so a forged POST fails too).
    """
    unit_ids = scoped_unit_ids(user)
    if unit_ids is None:
        return form_class

    allowed: frozenset[int] = unit_ids  # narrowed for the class below (a closure does not keep the narrowing)

    class ScopedProgressForm(form_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            units = Unit.objects.filter(pk__in=allowed)
            unit_field = self.fields["unit"]
            unit_field.queryset = units
            unit_field.required = True
            if len(allowed) == 1 and not self.initial.get("unit"):
                self.initial["unit"] = next(iter(allowed))
            choices: dict[str, str] = {}
            for task in Task.objects.filter(task_units__unit_id__in=allowed).select_related("notice").distinct():
                choices.setdefault(task.row_id, f"{task.row_id} {(task.task or task.detail)[:40]}")
            self.fields["row_id"] = forms.ChoiceField(
                label=self.fields["row_id"].label,
                choices=[("", "---------"), *sorted(choices.items())],
                help_text="只能填报本单位承担的任务。",
            )

        def clean(self) -> dict[str, Any]:
            cleaned = super().clean()
            row_id, unit = cleaned.get("row_id"), cleaned.get("unit")
            if row_id and unit and not can_report(user, row_id, unit.pk):
                self.add_error("row_id", f"“{unit.name}”不是该任务的责任单位，不能填报进展。")
            return cleaned

    ScopedProgressForm.__name__ = f"Scoped{form_class.__name__}"
    return ScopedProgressForm


class TaskScopePermissionHelper(PermissionHelper):
    """modeladmin permissions on ``Task`` rows, limited to the user's units."""

    def user_can_inspect_obj(self, user: Any, obj: Any) -> bool:
        return (
            super().user_can_inspect_obj(user, obj)
            and restrict_tasks(type(obj).objects.filter(pk=obj.pk), user).exists()
        )


class ProgressScopePermissionHelper(PermissionHelper):
    """modeladmin permissions on ``TaskProgress`` rows, limited to the user's units."""

    def _in_scope(self, user: Any, obj: Any) -> bool:
        return restrict_progress(type(obj).objects.filter(pk=obj.pk), user).exists()

    def user_can_inspect_obj(self, user: Any, obj: Any) -> bool:
        return super().user_can_inspect_obj(user, obj) and self._in_scope(user, obj)

    def user_can_edit_obj(self, user: Any, obj: Any) -> bool:
        return super().user_can_edit_obj(user, obj) and self._in_scope(user, obj)

    def user_can_delete_obj(self, user: Any, obj: Any) -> bool:
        return super().user_can_delete_obj(user, obj) and self._in_scope(user, obj)


def reporting_units(user: Any, task: Any) -> list[Any]:
    """Units ``user`` may report for on ``task``: its units within the user's scope.

    Central users (unrestricted) may report for any of the task's units, or
    as the office without a unit; a unit editor only for their own units.
    """
    if not (user.is_active and user.has_perm("ledger.add_taskprogress")):
        return []
    unit_ids = scoped_unit_ids(user)
    units = [link.unit for link in task.task_units.select_related("unit").order_by("role", "unit__name")]
    return units if unit_ids is None else [unit for unit in units if unit.pk in unit_ids]


def can_report_on(user: Any, task: Any) -> bool:
    """Whether the 登记进展 action is offered on ``task`` to ``user``."""
    if not (user.is_active and user.has_perm("ledger.add_taskprogress")):
        return False
    return scoped_unit_ids(user) is None or bool(reporting_units(user, task))


def can_review(user: Any) -> bool:
    """复核 (销号 / 退回) is the office's: central users who record progress, never a unit group."""
    return bool(user.is_active and user.has_perm("ledger.add_taskprogress") and scoped_unit_ids(user) is None)
