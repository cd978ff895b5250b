"""The registry of responsible units (责任单位), their jurisdictions and groups.

Everything a unit must do, across documents and years, is found through this
registry, so names written in many ways (全称, 简称, 旧称) must resolve to one
row. Names are unique within a jurisdiction, not globally: 晋江's 市公安局 and
石狮's 市公安局 are two units (see :mod:`cms.units.resolve`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from .choices import GroupKind, JurisdictionLevel, UnitKind

__all__ = ["GroupKind", "Jurisdiction", "JurisdictionLevel", "Unit", "UnitAlias", "UnitGroup", "UnitKind"]


# The plugin cannot resolve reverse managers to modelcluster models (units, unit_groups).
class Jurisdiction(models.Model):  # type: ignore[django-manager-missing]
    """An area (行政区划) or an issuing authority's scope that unit names are unique in."""

    name = models.CharField("名称", max_length=60, help_text="如 晋江市、百崎回族乡、集美街道。")
    level = models.CharField("层级", max_length=10, choices=JurisdictionLevel.choices)
    code = models.CharField("区划代码", max_length=12, blank=True, help_text="GB/T 2260 行政区划代码，可不填。")
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    panels = [FieldPanel("name"), FieldPanel("level"), FieldPanel("code"), FieldPanel("parent")]

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_name_once_per_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="jurisdiction_top_name_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def chain(self) -> list[Jurisdiction]:
        """This jurisdiction and those above it, nearest first: where a name is looked up."""
        out: list[Jurisdiction] = []
        node: Jurisdiction | None = self
        while node is not None and node not in out:
            out.append(node)
            node = node.parent
        return out

    def full_name(self) -> str:
        return "".join(j.name for j in reversed(self.chain()))


class Unit(ClusterableModel):
    """Searched in the admin by substring (ORM), which suits Chinese names."""

    name = models.CharField("单位名称", max_length=120)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text="单位名称在所属区划内唯一；不同区划可以有同名单位（如两个市的“市公安局”）。",
    )
    slug = models.SlugField(
        "网址名",
        max_length=80,
        unique=True,
        allow_unicode=False,
        help_text="公开网站上单位页面的拼音网址，创建时生成，改名后保持不变。",
    )
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    needs_review = models.BooleanField(
        "待确认",
        default=False,
        help_text="导入时无法在单位库中找到而自动新建的单位，请核对后取消勾选。",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("jurisdiction"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
        FieldPanel("needs_review"),
        InlinePanel("aliases", label="别名/简称"),
    ]

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="unit_name_once_per_jurisdiction"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(jurisdiction__isnull=True), name="unit_name_once_without_jurisdiction"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            from cms.units.slugs import unit_slug  # slugs reads the registry to stay unique

            self.slug = unit_slug(self)
        super().save(*args, **kwargs)


class UnitAlias(models.Model):
    """Another way the unit is written (简称, 旧称, a merged unit's name); unique within the jurisdiction."""

    unit = ParentalKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=120)

    panels = [FieldPanel("name")]

    class Meta:
        verbose_name = "别名"
        verbose_name_plural = "别名"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="alias_once_per_unit")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # An alias equal to another unit's name in the same jurisdiction would make lookup
        # ambiguous: the two are one unit, so offer the merge instead.
        unit = Unit.objects.filter(pk=self.unit_id).first()
        if unit is None:
            return
        clash = Unit.objects.filter(name=self.name, jurisdiction=unit.jurisdiction_id).exclude(pk=unit.pk).first()
        if clash:
            # A ValidationError is shown escaped: the edit view (cms.units.views.UnitEditView)
            # adds a message above the form with the merge button (cms.units.merge.merge_url).
            raise ValidationError(
                {"name": f"“{self.name}”已是单位“{clash}”的名称。如果两者是同一单位，请使用页面上方的“合并”按钮。"}
            )


class UnitGroup(ClusterableModel):
    """A collective reference (各乡镇（街道）, 各有关部门 …): not a unit, but a list of units.

    A task or target addressed to a group reaches each member's page and
    ledger, marked as coming through the group.
    """

    name = models.CharField("组名", max_length=120)
    kind = models.CharField("类型", max_length=20, choices=GroupKind.choices, default=GroupKind.OTHER)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_groups",
    )
    spellings = models.TextField(
        "其他写法", blank=True, help_text="文件中指这一组的其他写法，每行一个，如 各乡镇政府、各镇人民政府。"
    )
    members = ParentalManyToManyField(Unit, verbose_name="成员单位", blank=True, related_name="unit_groups")

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("jurisdiction"),
        FieldPanel("members"),
        FieldPanel("spellings"),
    ]

    class Meta:
        verbose_name = "单位组"
        verbose_name_plural = "单位组"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "kind", "name"], name="group_once_per_jurisdiction"),
        ]

    def __str__(self) -> str:
        where = f"（{self.jurisdiction}）" if self.jurisdiction_id else ""
        return f"{self.name}{where}"

    def spelling_list(self) -> list[str]:
        return [line.strip() for line in self.spellings.splitlines() if line.strip()]

    def add_spelling(self, written: str) -> None:
        if written and written != self.name and written not in self.spelling_list():
            self.spellings = "\n".join([*self.spelling_list(), written])
