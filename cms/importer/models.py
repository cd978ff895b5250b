from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportReport(models.Model):
    """What one import recognised and what it did not, kept for editors."""

    source_name = models.CharField("文件名", max_length=255)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    notice = models.ForeignKey(
        "documents.NoticePage",
        verbose_name="公文",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_reports",
    )
    coverage = models.FloatField("文字覆盖率", default=0)
    summary = models.JSONField("统计", default=dict)
    text = models.TextField("报告")

    class Meta:
        verbose_name = "导入报告"
        verbose_name_plural = "导入报告"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.created_at:%Y-%m-%d %H:%M}）" if self.created_at else self.source_name
