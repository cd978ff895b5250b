"""Page types of the document tree: 首页 → 公文库 → 公文 → 附件 → 目标责任书."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index

from cms.core.models import DocumentPage

# 机关代字〔年份〕序号号; the brackets are often typed as [] ［］ () or 【】.
DOC_NUMBER_RE = re.compile(
    r"^(?P<code>[^\s〔〕\[\]［］()（）【】]{1,20})[〔\[［(（【](?P<year>\d{4})[〕\]］)）】]第?(?P<serial>\d{1,5})号$"
)


def normalise_doc_number(text: str) -> str:
    """Return the 发文字号 in its printed form, or raise ``ValidationError``."""
    compact = re.sub(r"\s+", "", text or "")
    if not compact:
        return ""
    match = DOC_NUMBER_RE.match(compact)
    if not match:
        raise ValidationError(
            "发文字号格式不正确：应为“机关代字〔年份〕序号号”，例如 晋政文〔2022〕201号。",
            code="doc_number",
        )
    return f"{match['code']}〔{match['year']}〕{int(match['serial'])}号"


def split_doc_number(text: str) -> tuple[str, int, int] | None:
    match = DOC_NUMBER_RE.match(text or "")
    return (match["code"], int(match["year"]), int(match["serial"])) if match else None


class Disclosure(models.TextChoices):
    PUBLIC = "public", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    NOT_PUBLIC = "not_public", "不予公开"


DEFAULT_DISCLOSURE_WORDING = {
    Disclosure.PUBLIC: "此件主动公开",
    Disclosure.ON_REQUEST: "此件依申请公开",
    Disclosure.NOT_PUBLIC: "此件不予公开",
}


class Topic(models.TextChoices):
    SAFETY = "safety", "安全生产"
    FIRE = "fire", "消防"
    BOTH = "both", "安全生产和消防"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"


class AttachmentKind(models.TextChoices):
    TARGETS = "targets", "目标责任"
    LETTERS = "letters", "目标责任书"
    PLAN = "plan", "实施方案"
    TASKS = "tasks", "任务清单"
    OTHER = "other", "其他"


class HomePage(Page):
    intro = models.TextField("首页说明", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["documents.NoticeIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "首页"


class NoticeIndexPage(Page):
    intro = models.TextField("说明", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["documents.HomePage"]
    subpage_types = ["documents.NoticePage"]

    class Meta:
        verbose_name = "公文库"

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Lists only public notices: titles of 依申请公开 / 不予公开 ones are not public either."""
        from export.public import public_children

        context = super().get_context(request, *args, **kwargs)
        context["notices"] = public_children(self)
        return context


class NoticePage(DocumentPage):
    """公文 with the elements of GB/T 9704-2012."""

    issuer = models.CharField("发文机关", max_length=120, blank=True)
    doc_number = models.CharField(
        "发文字号", max_length=60, blank=True, db_index=True, help_text="例如 晋政文〔2022〕201号；没有文号的文件留空。"
    )
    signer = models.CharField("签发人", max_length=60, blank=True)
    recipients = models.TextField("主送机关", blank=True)
    attachment_note = models.TextField("附件说明", blank=True)
    signature = models.CharField("发文机关署名", max_length=200, blank=True)
    written_date = models.DateField("成文日期", null=True, blank=True)
    disclosure = models.CharField(
        "公开属性",
        max_length=20,
        choices=Disclosure.choices,
        default=Disclosure.ON_REQUEST,
        help_text="只有“主动公开”的文件才会出现在公开网站、台账和接口中。",
    )
    disclosure_wording = models.CharField(
        "公开属性印制文字",
        max_length=60,
        blank=True,
        help_text="留空则使用“此件主动公开”等默认文字；各地可改为“此件公开发布”。",
    )
    remarks = models.TextField("附注", blank=True)
    copied_to = models.TextField("抄送机关", blank=True)
    printed_by = models.CharField("印发机关", max_length=120, blank=True)
    printed_date = models.DateField("印发日期", null=True, blank=True)
    year = models.PositiveIntegerField("年度", null=True, blank=True, help_text="留空时按标题、文号或成文日期推定。")
    topic = models.CharField("主题", max_length=10, choices=Topic.choices, default=Topic.BOTH)
    validity = models.CharField("有效性", max_length=10, choices=Validity.choices, default=Validity.VALID)
    publish_progress = models.BooleanField(
        "公开任务进展", default=False, help_text="勾选后，公开网站和台账中显示各任务的进展状态；默认不公开。"
    )
    index_number = models.CharField("索引号", max_length=40, unique=True, null=True, blank=True, editable=False)
    published_date = models.DateField(
        "发布日期",
        null=True,
        blank=True,
        help_text="文件首次公开发布的日期。留空时：本系统发布的取首次发布日期，导入的已公开文件取成文日期。"
        "从门户网页导入的文件填原网页的发布日期。",
    )

    content_panels = [
        MultiFieldPanel(
            [FieldPanel("issuer"), FieldRowPanel([FieldPanel("doc_number"), FieldPanel("signer")])],
            heading="版头",
        ),
        FieldPanel("title"),
        FieldPanel("recipients"),
        FieldPanel("body"),
        FieldPanel("attachment_note"),
        MultiFieldPanel(
            [FieldPanel("signature"), FieldPanel("written_date"), FieldPanel("remarks")],
            heading="署名与日期",
        ),
        MultiFieldPanel(
            [FieldPanel("copied_to"), FieldRowPanel([FieldPanel("printed_by"), FieldPanel("printed_date")])],
            heading="版记",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("disclosure"), FieldPanel("disclosure_wording")]),
                FieldRowPanel([FieldPanel("year"), FieldPanel("topic"), FieldPanel("validity")]),
                FieldRowPanel([FieldPanel("published_date"), FieldPanel("publish_progress")]),
            ],
            heading="公开与分类",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("doc_number"),
        index.SearchField("issuer"),
        index.FilterField("year"),
        index.FilterField("disclosure"),
    ]
    # Wagtail derives a per-model default template for every concrete page class,
    # which would shadow DocumentPage.template; all documents share one template.
    template = DocumentPage.template
    api_fields = [
        APIField(name)
        for name in [
            "issuer",
            "doc_number",
            "recipients",
            "attachment_note",
            "signature",
            "written_date",
            "copied_to",
            "printed_by",
            "printed_date",
            "year",
            "topic",
            "validity",
            "index_number",
            "body",
        ]
    ]
    parent_page_types = ["documents.NoticeIndexPage"]
    subpage_types = ["documents.AttachmentPage"]

    class Meta:
        verbose_name = "公文"
        verbose_name_plural = "公文"

    def slug_source(self) -> tuple[str, str]:
        parts = split_doc_number(self.doc_number)
        if parts:
            return f"{parts[1]}-{parts[2]}-{self.doc_number}", "notice"
        return self.title, "notice"

    @property
    def disclosure_text(self) -> str:
        return self.disclosure_wording or DEFAULT_DISCLOSURE_WORDING[Disclosure(self.disclosure)]

    @property
    def is_public(self) -> bool:
        return self.disclosure == Disclosure.PUBLIC

    def clean(self) -> None:
        super().clean()
        try:
            self.doc_number = normalise_doc_number(self.doc_number)
        except ValidationError as error:
            raise ValidationError({"doc_number": error.messages}) from None
        if not (self.title or "").strip():
            raise ValidationError({"title": "请填写标题。"})
        if self.year is None:
            self.year = self.infer_year()
        if self.printed_date and self.written_date and self.printed_date < self.written_date:
            raise ValidationError({"printed_date": "印发日期不能早于成文日期。"})

    def public_markdown(self) -> str:
        from export.render import render_notice
        from export.snapshot import page_record

        children = self.get_children().specific().order_by("path")
        links = [(f"{c.label}：{c.title}", c.url or "#") for c in children if isinstance(c, AttachmentPage)]
        return render_notice(page_record(self), ctx_factory=self.markdown_context, attachment_links=links)

    def release_date(self, *, imported: bool) -> date | None:
        """发布日期 as the public site prints it: when the document was first made public.

        Never the export date: a 2022 notice shown as published in 2026 is a
        forged 发稿日期 (国办秘函〔2019〕19号).  An explicit date wins; an
        imported document was published before it reached this system, so it
        dates from its 成文日期 (never later than its first publication here);
        otherwise the page history's first publication counts.
        """
        if self.published_date:
            return self.published_date
        first = timezone.localdate(self.first_published_at) if self.first_published_at else None
        if imported and self.written_date:
            return min(self.written_date, first) if first else self.written_date
        return first

    def infer_year(self) -> int | None:
        match = re.search(r"(20\d{2})\s*年", self.title or "")
        if match:
            return int(match.group(1))
        parts = split_doc_number(self.doc_number)
        if parts:
            return parts[1]
        return self.written_date.year if self.written_date else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.index_number:
            with transaction.atomic():
                self.index_number = next_index_number(self.year or (self.written_date.year if self.written_date else 0))
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)


def next_index_number(year: int) -> str:
    """索引号 ``前缀-年份-序号``: assigned once, never changed afterwards."""
    prefix = f"{settings.DOCUMENTS_INDEX_PREFIX}-{year:04d}-"
    existing = (
        NoticePage.objects.select_for_update()
        .filter(index_number__startswith=prefix)
        .values_list("index_number", flat=True)
    )
    serial = max((int(n.rsplit("-", 1)[1]) for n in existing), default=0) + 1
    return f"{prefix}{serial:05d}"


class AttachmentPage(DocumentPage):
    """附件N: a document issued with a notice; may hold letters and nested 附件."""

    number = models.PositiveIntegerField(
        "附件序号", null=True, blank=True, help_text="即“附件N”中的 N；只有一个附件时可留空。"
    )
    kind = models.CharField("附件类型", max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)

    content_panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldPanel("body"),
    ]
    # Wagtail derives a per-model default template for every concrete page class,
    # which would shadow DocumentPage.template; all documents share one template.
    template = DocumentPage.template
    api_fields = [APIField("number"), APIField("kind"), APIField("body")]
    parent_page_types = ["documents.NoticePage", "documents.AttachmentPage"]
    subpage_types = ["documents.AttachmentPage", "documents.ResponsibilityLetterPage"]

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def slug_source(self) -> tuple[str, str]:
        return (f"{self.number}-{self.title}" if self.number else self.title), "fujian"

    @property
    def label(self) -> str:
        return f"附件{self.number}" if self.number else "附件"

    def notice(self) -> NoticePage | None:
        return NoticePage.objects.ancestor_of(self).first()

    def public_markdown(self) -> str:
        from export.render import render_attachment
        from export.snapshot import page_record

        notice = self.notice()
        children = self.get_children().specific().order_by("path")
        links = [(c.title, c.url or "#") for c in children]
        return render_attachment(
            page_record(self),
            page_record(notice) if notice else {"title": ""},
            ctx_factory=self.markdown_context,
            child_links=links,
        )


class ResponsibilityLetterPage(DocumentPage):
    """目标责任书: one unit's letter, mostly shared clauses with its own values."""

    unit = models.ForeignKey("units.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="letters")

    content_panels = [FieldPanel("unit"), FieldPanel("title"), FieldPanel("body")]
    api_fields = [APIField("unit"), APIField("body")]
    # Wagtail derives a per-model default template for every concrete page class,
    # which would shadow DocumentPage.template; all documents share one template.
    template = DocumentPage.template
    parent_page_types = ["documents.AttachmentPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "目标责任书"
        verbose_name_plural = "目标责任书"

    def slug_source(self) -> tuple[str, str]:
        return self.title, "letter"

    def notice(self) -> NoticePage | None:
        return NoticePage.objects.ancestor_of(self).first()

    def public_markdown(self) -> str:
        from cms.core.markdown import escape_html
        from export.render import render_letter
        from export.snapshot import page_record

        notice = self.notice()
        unit = escape_html(self.unit.name) if self.unit_id else ""
        return render_letter(
            page_record(self), page_record(notice) if notice else {"title": ""}, unit, ctx_factory=self.markdown_context
        )
