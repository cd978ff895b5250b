"""Which unit (责任单位) a unit editors' group works for, and in which section.

Wagtail's own permissions are page-based; the ledger has no pages, so the
link between a group and a unit has to be stored somewhere: here. A group
that has a scope is a *unit* group, and its members see only that unit's
section and tasks (see :mod:`cms.workflow.scopes`).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models


class UnitEditorScope(models.Model):
    group = models.OneToOneField(Group, verbose_name="用户组", on_delete=models.CASCADE, related_name="unit_scope")
    unit = models.ForeignKey(
        "units.Unit", verbose_name="责任单位", on_delete=models.CASCADE, related_name="editor_scopes"
    )
    section = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="本单位栏目",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="本单位公文所在的公文库栏目。",
    )

    class Meta:
        verbose_name = "单位编辑范围"
        verbose_name_plural = "单位编辑范围"

    def __str__(self) -> str:
        return f"{self.group.name} → {self.unit.name}"
