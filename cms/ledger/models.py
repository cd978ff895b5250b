"""The task index behind the admin ledger, and progress reports on tasks.

``Task`` rows are derived from the *live* task lists whenever a page is
published or unpublished; they are an index, never edited by hand.
Progress (``TaskProgress``) is keyed by the row's stable id rather than by a
foreign key, so it survives re-imports and reordering, and recording it
never touches the document or its approval.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from cms.ledger.deadlines import DEADLINE_KIND_LABELS
from cms.ledger.obligations import ITEM_KINDS, KIND_TASK
from cms.ledger.schedule import next_checkpoint
from cms.units.choices import ROLE_LABELS, Role


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    REQUESTED = "requested", "申请销号"
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "已退回"


DONE_STATUSES = {ProgressStatus.DONE, ProgressStatus.REQUESTED, ProgressStatus.CLOSED}
# What a unit may report; 销号 and 退回 are the office's review (复核) decisions.
REPORT_STATUSES = (
    ProgressStatus.NOT_STARTED,
    ProgressStatus.IN_PROGRESS,
    ProgressStatus.DONE,
    ProgressStatus.REQUESTED,
)
REVIEW_STATUSES = (ProgressStatus.CLOSED, ProgressStatus.RETURNED)


class Task(models.Model):
    row_id = models.CharField("任务编号", max_length=64, db_index=True)
    kind = models.CharField(
        "类型", max_length=10, choices=[(kind, kind) for kind in ITEM_KINDS], default=KIND_TASK, db_index=True
    )
    notice = models.ForeignKey(
        "documents.NoticePage", verbose_name="公文", on_delete=models.CASCADE, related_name="tasks"
    )
    page = models.ForeignKey("wagtailcore.Page", verbose_name="所在页面", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField("年度", null=True, blank=True, db_index=True)
    position = models.PositiveIntegerField("顺序", default=0)
    topic = models.TextField("专题/项目", blank=True)
    task = models.TextField("工作任务", blank=True)
    detail = models.TextField("工作内容", blank=True)
    deadline_text = models.CharField("完成时限", max_length=200, blank=True)
    due_date = models.DateField("截止日期", null=True, blank=True, db_index=True)
    deadline_kind = models.CharField(
        "时限类型", max_length=20, choices=list(DEADLINE_KIND_LABELS.items()), default="unknown"
    )
    due_basis = models.CharField(
        "截止日期依据", max_length=10, blank=True, help_text="完成时限、工作内容、年度或方案期限。"
    )
    checkpoints = models.JSONField(
        "节点", default=list, blank=True, help_text="周期性或长期事项的检查节点（ISO 日期）。"
    )
    target_value = models.FloatField("指标值", null=True, blank=True)
    units_text = models.TextField("责任单位（原文）", blank=True)
    units = models.ManyToManyField("units.Unit", through="TaskUnit", related_name="tasks", verbose_name="责任单位")
    status = models.CharField(
        "进展状态", max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED, db_index=True
    )
    status_note = models.TextField("进展说明", blank=True)
    status_date = models.DateField("更新日期", null=True, blank=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务台账"
        ordering = ["-year", "notice__path", "position"]
        # A copied page carries its rows' ids along; unique per page only.
        constraints = [models.UniqueConstraint(fields=["page", "row_id"], name="task_row_once_per_page")]

    def __str__(self) -> str:
        return (self.task or self.detail)[:60]

    @property
    def overdue(self) -> bool:
        return bool(self.due_date and self.due_date < timezone.localdate() and self.status not in DONE_STATUSES)

    def checkpoint_dates(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.checkpoints or []]

    def next_checkpoint(self, today: date | None = None) -> date | None:
        """下次节点: the first check-in on or after ``today`` (default: the local date)."""
        return next_checkpoint(self.checkpoint_dates(), today or timezone.localdate())

    def lead_units(self) -> list[str]:
        return [tu.unit.name for tu in self.task_units.all() if tu.role == "lead"]

    def support_units(self) -> list[str]:
        return [tu.unit.name for tu in self.task_units.all() if tu.role == "support"]

    def unstated_units(self) -> list[str]:
        """Units the source lists without saying who leads (责任单位)."""
        return [tu.unit.name for tu in self.task_units.all() if tu.role == Role.UNSTATED and tu.via_group_id is None]

    def via_groups(self) -> list[tuple[str, list[str]]]:
        """(group name, member names) for the units that carry the item through a group."""
        groups: dict[str, list[str]] = {}
        for link in self.task_units.all():
            if link.via_group is not None:
                groups.setdefault(link.via_group.name, []).append(link.unit.name)
        return list(groups.items())

    def unit_summary(self) -> str:
        """牵头：A；配合：B；责任单位：C；经由 各乡镇（街道）：甲镇、乙镇 (what the admin index shows)."""
        direct = [tu for tu in self.task_units.all() if tu.via_group_id is None]
        parts = [
            f"{ROLE_LABELS[role]}：{'、'.join(names)}"
            for role in (Role.LEAD, Role.SUPPORT, Role.UNSTATED)
            if (names := [tu.unit.name for tu in direct if tu.role == role])
        ]
        parts += [f"经由 {group}：{'、'.join(names)}" for group, names in self.via_groups()]
        return "；".join(parts)


class TaskUnit(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="task_units")
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.LEAD)
    # Set when the unit carries the item as a member of a group (各乡镇（街道）) or as an
    # addressee of the notice, not because the document names it.
    via_group = models.ForeignKey(
        "units.UnitGroup",
        verbose_name="经由单位组",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="task_units",
    )

    class Meta:
        verbose_name = "任务责任单位"
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="task_unit_once")]


class TaskProgress(models.Model):
    """One progress report; the latest is the task's current status."""

    row_id = models.CharField("任务编号", max_length=64, db_index=True)
    unit = models.ForeignKey("units.Unit", verbose_name="报告单位", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField("进展状态", max_length=20, choices=ProgressStatus.choices)
    note = models.TextField("进展说明", blank=True)
    reported_on = models.DateField("进展日期", default=date.today)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    achieved = models.FloatField("完成数", null=True, blank=True, help_text="指标类任务填写已完成的数量。")
    # Evidence lives in Wagtail's own libraries (in a login-only collection),
    # so it is stored, listed and served like any other document or image.
    evidence_documents: models.ManyToManyField[models.Model, models.Model] = models.ManyToManyField(
        "wagtaildocs.Document", verbose_name="佐证文件", blank=True, related_name="+"
    )
    evidence_images: models.ManyToManyField[models.Model, models.Model] = models.ManyToManyField(
        "wagtailimages.Image", verbose_name="佐证图片", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["-reported_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}（{self.reported_on}）"

    @property
    def is_review(self) -> bool:
        return self.status in REVIEW_STATUSES
