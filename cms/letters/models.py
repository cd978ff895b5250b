"""Where a generated letter came from.

Kept beside the page (not as a page field) so the document model stays the
one the exporter knows; the comparison view uses it to find the template,
and the list of values to check survives after the result page is closed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LetterOrigin(models.Model):
    letter = models.OneToOneField(
        "documents.ResponsibilityLetterPage",
        verbose_name="目标责任书",
        on_delete=models.CASCADE,
        related_name="origin",
    )
    template = models.ForeignKey(
        "documents.ResponsibilityLetterPage",
        verbose_name="模板责任书",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generated_letters",
    )
    template_unit_name = models.CharField("模板单位名称", max_length=120)
    values_to_check = models.JSONField("需逐一核对的数值", default=list)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "责任书来源"
        verbose_name_plural = "责任书来源"

    def __str__(self) -> str:
        return f"{self.letter_id} ← {self.template_unit_name}"
