"""Re-importing a document that already exists keeps what editors set (issue 12 part 9)."""

from __future__ import annotations

from pathlib import Path

from cms.documents.models import Disclosure, NoticePage, Validity
from cms.importer.parsing.docx_writer import text_to_docx
from cms.importer.service import import_documents

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
