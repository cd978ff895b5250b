"""Page types of the document tree: 首页 → 公文库 → 公文 → 附件 → 目标责任书."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index

from cms.core.models import DocumentPage

from . import preview
from .choices import DEFAULT_DISCLOSURE_WORDING, AttachmentKind, Disclosure, Topic, Validity
from .doc_number import DOC_NUMBER_RE
from .visibility import DocumentPageManager, NoticePageManager


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


class PublicDocumentPage(DocumentPage):
    """A document page of the public tree: its visibility and rendering are the public site's."""

    objects = DocumentPageManager()

    class Meta:
        abstract = True

    def visible_to_public(self) -> bool:
        return NoticePage.objects.public_contains(self)

    def public_markdown(self) -> str:
        return preview.renderer().markdown(self)

    def public_html(self) -> str:
        renderer = preview.renderer()
        return renderer.html(renderer.markdown(self))


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
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = list(NoticePage.objects.public_children(self))
        return context


class NoticePage(PublicDocumentPage):
    """公文 with the elements of GB/T 9704-2012."""

    issuer = models.CharField("发文机关", max_length=120, blank=True)
    doc_number = models.CharField(
        "发文字号", max_length=60, blank=True, db_index=True, help_text="例如 晋政文〔2022〕201号；没有文号的文件留空。"
    )
    signer = models.CharField("签发人", max_length=60, blank=True)
    recipients = models.TextField("主送机关", blank=True)
    # Who the notice is addressed to, resolved from 主送 on import (editable): its 共性目标
    # reach every one of them, and every member of the groups.
    jurisdiction = models.ForeignKey(
        "units.Jurisdiction",
        verbose_name="发文机关所属区划",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="文件中的单位名称先在这一区划内查找，再依次向上级区划查找。",
    )
    addressee_units = ParentalManyToManyField(
        "units.Unit", verbose_name="主送单位", blank=True, related_name="addressed_notices"
    )
    addressee_groups = ParentalManyToManyField(
        "units.UnitGroup", verbose_name="主送单位组", blank=True, related_name="addressed_notices"
    )
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
    external_index_number = models.CharField(
        "原索引号",
        max_length=80,
        blank=True,
        help_text="从政府信息公开平台复制的文件上原有的索引号，导入时保留；本站索引号另行编制。",
    )
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
        MultiFieldPanel(
            [FieldPanel("jurisdiction"), FieldPanel("addressee_units"), FieldPanel("addressee_groups")],
            heading="发文区划与主送单位",
        ),
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
                FieldPanel("external_index_number"),
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

    objects = NoticePageManager()

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


class AttachmentPage(PublicDocumentPage):
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


class ResponsibilityLetterPage(PublicDocumentPage):
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
