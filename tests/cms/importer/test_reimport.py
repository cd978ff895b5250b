"""Re-importing a document that already exists keeps what editors set (issue 12 part 9)."""

from __future__ import annotations

from pathlib import Path

from cms.documents.models import AttachmentPage, Disclosure, NoticePage, Validity
from cms.importer.service import import_documents
from cms.units.models import Unit, UnitKind
from tests.docx_writer import text_to_docx

SEED_004 = next((Path(__file__).resolve().parents[3] / "content" / "seeds").glob("004_*.txt"))


def test_reimport__a_corrected_docx_of_a_published_notice_keeps_editor_fields_and_reports_changes(notice_index):
    text = SEED_004.read_text(encoding="utf-8")
    import_documents([(SEED_004.name, text.encode())], publish=True, disclosure="主动公开")
    notice = NoticePage.objects.get()
    notice.signer = "王五"
    notice.validity = Validity.EXPIRED
    notice.publish_progress = True
    notice.save_revision().publish()

    corrected = text.replace("扎实推进安全生产", "切实推进安全生产", 1)
    (outcome,) = import_documents([("004.docx", text_to_docx(corrected))])  # a draft, the file states no 公开属性
    draft = NoticePage.objects.get().get_latest_revision_as_object()
    assert draft.disclosure == Disclosure.PUBLIC  # never silently withdrawn from the public site
    assert (draft.signer, draft.validity, draft.publish_progress) == ("王五", Validity.EXPIRED, True)
    assert NoticePage.objects.get().live
    report = outcome.report.text
    assert "正文有修改" in report and "保留原有的“主动公开”" in report
    assert "依申请公开" not in report


def test_reimport__the_same_file_reports_no_change(notice_index):
    data = SEED_004.read_bytes()
    import_documents([(SEED_004.name, data)], publish=True, disclosure="主动公开")
    (outcome,) = import_documents([(SEED_004.name, data)], disclosure="主动公开")
    assert "与现有版本相比：没有修改" in outcome.report.text


def test_reimport__keeps_the_unit_an_editor_linked_where_the_written_name_is_unchanged(notice_index):
    seed = next(SEED_004.parent.glob("000_*.txt"))
    import_documents([(seed.name, seed.read_bytes())], publish=True, disclosure="主动公开")
    attachment = next(
        page for page in AttachmentPage.objects.all() if any(block.block_type == "target_group" for block in page.body)
    )
    registry = Unit.objects.create(name="晋江市应急管理局（登记名）", kind=UnitKind.DEPARTMENT)
    raw = list(attachment.body.raw_data)
    index = next(k for k, block in enumerate(raw) if block["type"] == "target_group")
    raw[index]["value"]["unit"] = registry.pk  # the editor re-points the link in the chooser
    attachment.body = raw
    attachment.save_revision().publish()
    stored = list(AttachmentPage.objects.get(pk=attachment.pk).get_latest_revision_as_object().body.raw_data)
    assert stored[index]["value"]["unit"] == registry.pk

    import_documents([(seed.name, seed.read_bytes())], disclosure="主动公开")
    latest = AttachmentPage.objects.get(pk=attachment.pk).get_latest_revision_as_object()
    kept = list(latest.body.raw_data)[index]["value"]
    assert kept["unit"] == registry.pk
    others = [block["value"]["unit"] for block in list(latest.body.raw_data) if block["type"] == "target_group"]
    assert len(set(others)) > 1  # only that link was kept; the rest still resolve by name
