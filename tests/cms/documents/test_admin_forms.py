"""Bad input in the admin gets a field error, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.documents.models import AttachmentPage, NoticePage
from tests.factories import UnitFactory, make_notice


def listblock(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Form data of a ListBlock, in the shape its JavaScript posts."""
    data: dict[str, Any] = {"count": len(items)}
    for i, item in enumerate(items):
        data[str(i)] = {"value": item, "deleted": "", "order": i, "id": f"row-{i}"}
    return data


def notice_form(**overrides: Any) -> dict[str, Any]:
    fields = {
        "title": "关于下达2024年度安全生产和消防工作目标责任的通知",
        "slug": "",
        "issuer": "测试县人民政府",
        "doc_number": "测政文〔2024〕1号",
        "signer": "",
        "recipients": "各乡镇人民政府：",
        "body": streamfield([("paragraph", {"level": "0", "text": rich_text("正文。")})]),
        "attachment_note": "",
        "signature": "测试县人民政府",
        "written_date": "2024-10-28",
        "remarks": "",
        "copied_to": "",
        "printed_by": "",
        "printed_date": "",
        "disclosure": "public",
        "disclosure_wording": "",
        "year": "",
        "topic": "both",
        "validity": "valid",
        "comment_notifications": "",
    }
    fields.update(overrides)
    return nested_form_data(fields)


def task_list_form(units: list[dict[str, Any]]) -> dict[str, Any]:
    row = {
        "topic": "",
        "task": "落实消防安全责任",
        "detail": "",
        "deadline": "2024年底前",
        "units": listblock(units),
        "units_text": "",
    }
    return nested_form_data(
        {
            "title": "任务清单",
            "slug": "",
            "number": "1",
            "kind": "tasks",
            "body": streamfield([("task_list", {"title": "", "rows": listblock([row])})]),
            "comment_notifications": "",
        }
    )


def form_errors(response) -> str:
    """All errors of the page form as text, StreamField block errors included."""
    import json

    form = response.context["form"]
    parts = []
    for field, errors in form.errors.as_data().items():
        for error in errors:
            data = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
            parts.append(f"{field}: {json.dumps(data, ensure_ascii=False)}")
    return "\n".join(parts)


def add_url(model: str, parent_id: int) -> str:
    return f"/admin/pages/add/documents/{model}/{parent_id}/"


def test_admin_add_notice__valid_form_creates_a_draft(admin_client, notice_index):
    response = admin_client.post(add_url("noticepage", notice_index.pk), notice_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get()
    assert notice.doc_number == "测政文〔2024〕1号"
    assert notice.slug.isascii() and notice.slug
    assert notice.year == 2024


def test_admin_add_notice__malformed_doc_number_is_a_field_error(admin_client, notice_index):
    response = admin_client.post(add_url("noticepage", notice_index.pk), notice_form(doc_number="测政文2024第一号"))
    assert response.status_code == 200
    assert "发文字号格式不正确" in form_errors(response)
    assert not NoticePage.objects.exists()


def test_admin_add_notice__missing_title_is_a_field_error(admin_client, notice_index):
    response = admin_client.post(add_url("noticepage", notice_index.pk), notice_form(title=""))
    assert response.status_code == 200
    assert "title" in form_errors(response)
    assert "请填写标题" in response.content.decode() or "必需字段" in response.content.decode()
    assert not NoticePage.objects.exists()


def test_admin_add_attachment__unknown_unit_typed_as_text_is_a_field_error(admin_client, notice_index, settings):
    # Typed unit names are the nested editor's path (TASK_GRID_EDITOR=False); the grid chooses units.
    settings.TASK_GRID_EDITOR = False
    notice = make_notice(notice_index)
    data = task_list_form([{"unit": "", "name": "子虚乌有局", "role": "lead", "division": ""}])
    response = admin_client.post(add_url("attachmentpage", notice.pk), data)
    assert response.status_code == 200
    assert "单位库中没有“子虚乌有局”" in form_errors(response)
    assert not AttachmentPage.objects.exists()


def test_admin_add_attachment__typed_known_unit_resolves(admin_client, notice_index, settings):
    # Typed unit names are the nested editor's path (TASK_GRID_EDITOR=False); the grid chooses units.
    settings.TASK_GRID_EDITOR = False
    notice = make_notice(notice_index)
    unit = UnitFactory(name="乡安办")
    data = task_list_form([{"unit": "", "name": "乡安办", "role": "lead", "division": ""}])
    response = admin_client.post(add_url("attachmentpage", notice.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = AttachmentPage.objects.get()
    row = page.body[0].value["rows"][0]
    assert row["units"][0]["unit"] == unit


@pytest.mark.parametrize("cell", ["五", "abc", "1,0"])
def test_admin_add_attachment__non_numeric_indicator_cell_is_a_field_error(admin_client, notice_index, cell):
    notice = make_notice(notice_index)
    table = {
        "title": "",
        "row_header": "单位",
        "columns": listblock([{"group": "市政消火栓建设任务", "name": "新建数"}]),
        "rows": listblock([{"unit": "", "unit_name": "青阳街道", "values": listblock([cell])}]),
    }
    data = nested_form_data(
        {
            "title": "指标表",
            "slug": "",
            "number": "1",
            "kind": "targets",
            "body": streamfield([("indicator_table", table)]),
            "comment_notifications": "",
        }
    )
    response = admin_client.post(add_url("attachmentpage", notice.pk), data)
    assert response.status_code == 200
    assert not AttachmentPage.objects.exists()
    assert "body" in form_errors(response)
