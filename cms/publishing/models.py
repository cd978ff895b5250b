"""One row per export of the public site, so editors can see when the site changed and why.

The row is also the debounce: at most one run may be 排队中 at a time
(enforced by a partial unique constraint, so two publishes racing in two
processes still give one queued run).  A queued run snapshots the content
only when it starts, so every change made while it waited is in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExportReason(models.TextChoices):
    PUBLISH = "publish", "发布"
    UNPUBLISH = "unpublish", "撤回"
    EXPIRY = "expiry", "到期"
    SCHEDULED = "scheduled", "定时发布"
    MANUAL = "manual", "手动"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"


FINISHED_STATUSES = (ExportStatus.SUCCEEDED, ExportStatus.FAILED)


class ExportRun(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="触发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField("原因", max_length=20, choices=ExportReason.choices, default=ExportReason.MANUAL)
    trigger_title = models.CharField("触发页面", max_length=255, blank=True)
    requests = models.PositiveIntegerField(
        "合并的请求数", default=1, help_text="排队期间又有发布或撤回时只加一，不另建导出。"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    pages = models.PositiveIntegerField("页面数", null=True, blank=True)
    files = models.PositiveIntegerField("文件数", null=True, blank=True)
    size = models.BigIntegerField("大小（字节）", null=True, blank=True)
    duration = models.FloatField("耗时（秒）", null=True, blank=True)
    message = models.TextField("结果说明", blank=True)
    progress = models.TextField("进度", blank=True)
    task_id = models.CharField("后台任务编号", max_length=64, blank=True)

    class Meta:
        verbose_name = "网站导出"
        verbose_name_plural = "网站导出"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="queued"), name="publishing_one_queued_export"
            )
        ]

    def __str__(self) -> str:
        return f"网站导出 #{self.pk}（{self.get_reason_display()}，{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED

    @property
    def triggered_by_name(self) -> str:
        """Who asked; runs started by the scheduler or by an unpublish without a user show 系统."""
        user = self.triggered_by
        if user is None:
            return "系统"
        return user.get_full_name() or user.get_username()

    @property
    def size_display(self) -> str:
        """Human size in Chinese admin style; empty until the run has finished."""
        if self.size is None:
            return ""
        if self.size >= 1_048_576:
            return f"{self.size / 1_048_576:.1f} MB"
        return f"{self.size / 1024:.0f} KB"

    @property
    def duration_display(self) -> str:
        return "" if self.duration is None else f"{self.duration:.1f} 秒"


# The 网站标识 setting lives in its own module; imported here so Django sees the model.
from .identity import SiteIdentity  # noqa: E402, F401
