"""The whole import path on fuzzed files: pages and a report, or a clear error and nothing written.

The parser fuzz tests (tests/importer/test_parsing_fuzz.py) stop at the
``ParsedDocument``; here the same near-valid-then-damaged files go through
``import_documents`` into the database, where other failures live: a value
too long for its column (PostgreSQL refuses it, SQLite silently stores it),
a unit name the registry rejects, a half-written page tree.  Fewer examples
than the parser fuzzers, as every example writes pages; ``FUZZ_EXAMPLES``
raises the count.
"""

from __future__ import annotations

import pytest
from django.db import models, transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from wagtail.models import Page, Revision

from cms.documents.models import AttachmentPage, NoticePage, ResponsibilityLetterPage
from cms.importer.models import ImportReport
from cms.importer.parsing.tree import DocumentImportError
from cms.importer.service import import_documents
from cms.units.models import Unit
from tests.fuzzing import fuzz_settings
from tests.importer.strategies import damaged, encoded, near_valid_document

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Page, Revision, Unit, ImportReport))


def assert_fits_its_columns(instance: models.Model) -> None:
    """Every CharField value fits its max_length, as PostgreSQL will insist (SQLite does not)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField) and field.max_length:
            value = getattr(instance, field.attname)
            assert value is None or len(value) <= field.max_length, (field.name, len(value), value[:80])


@fuzz_settings(12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data(), st.booleans(), st.sampled_from([None, "主动公开", "依申请公开"]))
def test_import_documents__fuzzed_file_imports_or_fails_without_writing(
    notice_index, data: st.DataObject, publish: bool, disclosure: str | None
) -> None:
    lines = data.draw(damaged(data.draw(near_valid_document())))
    raw = data.draw(encoded("\n".join(lines)))
    # Each example starts from the same database: a notice left by an earlier
    # example would turn this import into an update of it.
    with transaction.atomic():
        check_import(raw, publish, disclosure)
        transaction.set_rollback(True)


def check_import(raw: bytes, publish: bool, disclosure: str | None) -> None:
    before = counts()
    try:
        (outcome,) = import_documents([("模糊.txt", raw)], publish=publish, disclosure=disclosure)
    except DocumentImportError as error:
        assert error.source == "模糊.txt" and not error.message.isascii()
        assert counts() == before, "a rejected file left rows behind"
        return
    notice = outcome.stats.notice
    assert notice is not None and outcome.report is not None
    assert notice.title == outcome.doc.title[: NoticePage._meta.get_field("title").max_length]
    pages = [page.specific for page in notice.get_descendants(inclusive=True)]
    assert {type(page) for page in pages} <= {NoticePage, AttachmentPage, ResponsibilityLetterPage}
    for page in pages:
        assert_fits_its_columns(page)
        assert page.live == publish
    for unit in Unit.objects.all():
        assert_fits_its_columns(unit)
    assert_fits_its_columns(outcome.report)
    assert outcome.report_text().startswith("文件：模糊.txt")


def test_import_documents__doc_number_the_model_refuses_is_not_a_traceback(notice_index) -> None:
    """Found by the fuzzer: a six-digit 序号 parsed as a 发文字号, then the model's validation raised."""
    text = "测安〔1990〕100000号\n百崎回族乡人民政府关于加强消防工作的通知\n一、加强安全生产工作\n责任单位：乡安办"
    before = counts()
    try:
        (outcome,) = import_documents([("文号.txt", text.encode())])
    except DocumentImportError as error:
        assert error.source == "文号.txt"
        assert counts() == before
    else:
        assert outcome.stats.notice.doc_number == ""
