"""The exporter's rendering of one page, registered as the documents' preview renderer.

Lives in publishing because it is the only cms package that imports
``export``; the tree look-ups (attachment links, the notice above) are
cms work and stay here, the exporter gets plain records.
"""

from __future__ import annotations

from typing import Any

from cms.core.markdown import escape_html
from cms.documents.models import AttachmentPage, NoticePage, ResponsibilityLetterPage
from export.html import to_html
from export.render import render_attachment, render_letter, render_notice
from export.snapshot import page_record


class ExportPreview:
    """:class:`cms.documents.preview.PreviewRenderer` backed by ``export.render``."""

    def markdown(self, page: Any) -> str:
        if isinstance(page, NoticePage):
            children = page.get_children().specific().order_by("path")
            links = [(f"{c.label}：{c.title}", c.url or "#") for c in children if isinstance(c, AttachmentPage)]
            return render_notice(page_record(page), ctx_factory=page.markdown_context, attachment_links=links)
        notice = page.notice()
        notice_record = page_record(notice) if notice else {"title": ""}
        if isinstance(page, AttachmentPage):
            children = page.get_children().specific().order_by("path")
            return render_attachment(
                page_record(page),
                notice_record,
                ctx_factory=page.markdown_context,
                child_links=[(c.title, c.url or "#") for c in children],
            )
        if isinstance(page, ResponsibilityLetterPage):
            unit = escape_html(page.unit.name) if page.unit_id else ""
            return render_letter(page_record(page), notice_record, unit, ctx_factory=page.markdown_context)
        raise TypeError(f"没有 {type(page).__name__} 的公开渲染")

    def html(self, markdown: str) -> str:
        return to_html(markdown)
