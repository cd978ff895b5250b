"""The documents' preview hook: pages render through the renderer cms.publishing registers (export's)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.documents import preview
from cms.publishing.preview import ExportPreview
from export.html import to_html
from export.render import render_notice
from export.snapshot import page_record
from tests.factories import NoticePageFactory, paragraph


def test_renderer__registered_by_publishing_at_startup():
    assert isinstance(preview.renderer(), ExportPreview)


def test_renderer__missing_registration_says_which_app_is_needed(monkeypatch):
    monkeypatch.setattr(preview, "_renderer", None)
    with pytest.raises(ImproperlyConfigured, match=r"cms\.publishing"):
        preview.renderer()


@pytest.mark.django_db
def test_public_html__is_the_exporters_rendering_of_the_page(notice_index):
    notice = NoticePageFactory(parent=notice_index, body=[paragraph("预览与公开网站一致。")])
    expected = render_notice(page_record(notice), ctx_factory=notice.markdown_context, attachment_links=[])
    assert notice.public_markdown() == expected
    assert notice.public_html() == to_html(expected)
    assert "预览与公开网站一致。" in notice.public_html()
