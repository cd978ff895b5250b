import pytest
from django.core.exceptions import ValidationError

from cms.documents.models import AttachmentPage, NoticePage, normalise_doc_number
from tests.factories import make_attachment, make_notice


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("晋政文〔2022〕201号", "晋政文〔2022〕201号"),
        ("晋政文[2022]201号", "晋政文〔2022〕201号"),
        ("集街办［2024］46 号", "集街办〔2024〕46号"),
        ("集街办(2024)046号", "集街办〔2024〕46号"),
        ("", ""),
    ],
)
def test_normalise_doc_number__accepts_common_bracket_variants(written, printed):
    assert normalise_doc_number(written) == printed


@pytest.mark.parametrize("bad", ["晋政文2022201号", "〔2022〕201号", "晋政文〔22〕201号", "晋政文〔2022〕号"])
def test_normalise_doc_number__rejects_malformed(bad):
    with pytest.raises(ValidationError, match="发文字号格式不正确"):
        normalise_doc_number(bad)


def test_notice__index_number_is_generated_once_and_never_changes(notice_index):
    notice = make_notice(notice_index, year=2024)
    first = notice.index_number
    assert first.startswith("AW-2024-")
    notice.title = "改过的标题"
    notice.year = 2025
    notice.save_revision().publish()
    notice.refresh_from_db()
    assert notice.index_number == first
    other = make_notice(notice_index, year=2024)
    assert other.index_number != first


def test_notice__slug_is_ascii_for_chinese_titles(notice_index):
    notice = make_notice(notice_index, doc_number="晋政文〔2022〕201号")
    assert notice.slug.isascii()
    assert notice.slug.startswith("notice-2022-201")
    attachment = make_attachment(notice, number=2, title="安全生产专项整治三年行动实施方案")
    assert attachment.slug.isascii() and attachment.slug.startswith("fujian-2")


def test_notice__year_is_inferred_from_title(notice_index):
    notice = NoticePage(title="关于下达2023年度安全生产和消防工作目标责任的通知", doc_number="")
    notice.clean()
    assert notice.year == 2023


def test_page_types__declare_parents_and_children():
    assert NoticePage.parent_page_types == ["documents.NoticeIndexPage"]
    assert "documents.AttachmentPage" in AttachmentPage.parent_page_types
    assert AttachmentPage.subpage_types == ["documents.AttachmentPage", "documents.ResponsibilityLetterPage"]


def test_notice__without_attachments_is_valid(notice_index):
    notice = make_notice(notice_index)
    assert notice.live and not notice.get_children().exists()
    assert "正文内容" in notice.public_markdown()


def test_document_pages__are_served_with_the_exporter_rendering(client, notice_index):
    from tests.factories import UnitFactory, make_letter, task_list

    unit = UnitFactory(name="乡安办")
    notice = make_notice(notice_index)
    attachment = make_attachment(notice, body=[task_list([{"task": "打通消防车通道", "units": [(unit, "lead")]}])])
    letter = make_letter(attachment, unit)
    for page in (notice, attachment, letter):
        response = client.get(page.url)
        assert response.status_code == 200, page
    body = client.get(attachment.url).content.decode()
    assert "打通消防车通道" in body and "乡安办" in body
