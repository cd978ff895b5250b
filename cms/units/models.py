"""The registry of responsible units (责任单位).

Everything a unit must do, across documents and years, is found through this
registry, so names written in many ways (全称, 简称, 旧称) must resolve to one
row: see :mod:`cms.units.lookup`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from .choices import UnitKind


class Unit(ClusterableModel):
    """Searched in the admin by substring (ORM), which suits Chinese names."""

    name = models.CharField("单位名称", max_length=120, unique=True)
    slug = models.SlugField(
        "网址名",
        max_length=80,
        unique=True,
        allow_unicode=False,
        help_text="公开网站上单位页面的英文/拼音网址，创建后请勿修改。",
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

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            from cms.core.slugs import unique_ascii_slug

            self.slug = unique_ascii_slug(self.name, Unit, prefix="unit")
        super().save(*args, **kwargs)


class UnitAlias(models.Model):
    unit = ParentalKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=120, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        verbose_name = "别名"
        verbose_name_plural = "别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # An alias equal to another unit's name would make lookup ambiguous.
        clash = Unit.objects.filter(name=self.name).exclude(pk=self.unit_id).first()
        if clash:
            raise ValidationError({"name": f"“{self.name}”已是单位“{clash}”的名称，不能作为别名。"})
