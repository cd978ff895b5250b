"""A notice's year-end 考核 scheme: thresholds, late credit, item weights, the office's 署名."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from .scoring import Thresholds


class AssessmentScheme(ClusterableModel):
    notice = models.OneToOneField(
        "documents.NoticePage",
        verbose_name="考核依据的公文",
        on_delete=models.CASCADE,
        related_name="assessment_scheme",
        help_text="下达目标责任的通知；其任务台账中的全部事项参加考核。",
    )
    excellent_min = models.FloatField("优秀最低分", default=90)
    good_min = models.FloatField("良好最低分", default=75)
    pass_min = models.FloatField("合格最低分", default=60)
    late_factor = models.FloatField(
        "逾期销号得分比例", default=0.5, help_text="按期销号得满分，逾期销号得该比例，未销号不得分。"
    )
    signature = models.CharField("通报署名", max_length=200, blank=True, help_text="留空时用原通知的发文机关署名。")
    result_notice = models.ForeignKey(
        "documents.NoticePage",
        verbose_name="考核结果通报",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    panels = [
        FieldPanel("notice"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("excellent_min"), FieldPanel("good_min"), FieldPanel("pass_min")])],
            heading="等次分数线",
        ),
        FieldPanel("late_factor"),
        FieldPanel("signature"),
        InlinePanel("weights", heading="事项权重（未列出的事项权重为 1）", label="事项权重"),
    ]

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"

    def __str__(self) -> str:
        return f"{self.notice.title}（考核）"

    def clean(self) -> None:
        if not (self.excellent_min >= self.good_min >= self.pass_min >= 0):
            raise ValidationError("分数线应满足：优秀 ≥ 良好 ≥ 合格 ≥ 0。")
        if not 0 <= self.late_factor <= 1:
            raise ValidationError({"late_factor": "逾期销号得分比例应在 0 到 1 之间。"})

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.excellent_min, self.good_min, self.pass_min)

    @property
    def year(self) -> int | None:
        return self.notice.year

    def weight_map(self) -> dict[str, float]:
        return {w.row_id: w.weight for w in self.weights.all()}


class ItemWeight(models.Model):
    scheme = ParentalKey(AssessmentScheme, on_delete=models.CASCADE, related_name="weights")
    row_id = models.CharField("任务编号", max_length=64, help_text="台账中的任务编号。")
    weight = models.FloatField("权重", default=1)

    panels = [FieldRowPanel([FieldPanel("row_id"), FieldPanel("weight")])]

    class Meta:
        verbose_name = "事项权重"
        constraints = [models.UniqueConstraint(fields=["scheme", "row_id"], name="assessment_weight_once")]

    def clean(self) -> None:
        if self.weight < 0:
            raise ValidationError({"weight": "权重不能为负数。"})
