"""Importing a file from the admin: always a draft, a report with edit links, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from cms.documents.models import NoticePage
from cms.importer.models import ImportReport
from cms.units.models import Unit
from tests.docx_writer import text_to_docx

SEEDS = Path(__file__).resolve().parents[3] / "content" / "seeds"
URL = "/admin/import/"


def seed_file(prefix: str, fmt: str) -> tuple[str, bytes]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    data = path.read_bytes()
    if fmt == "docx":
        return path.with_suffix(".docx").name, text_to_docx(data.decode("utf-8"))
    return path.name, data


def upload(client, name: str, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields})


def counts() -> tuple[int, int, int]:
    return Page.objects.count(), Unit.objects.count(), ImportReport.objects.count()


def test_url_is_where_the_menu_points():
    assert reverse("importer:upload") == URL


def test_form_is_shown_to_admin(admin_client, notice_index):
    response = admin_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "导入文件" in content and 'type="file"' in content
    for label in ["以原文为准", "主动公开", "依申请公开", "不予公开"]:
        assert label in content


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_upload_creates_a_draft_notice_and_shows_the_report(admin_client, admin_user, notice_index, fmt):
    name, data = seed_file("004", fmt)
    response = upload(admin_client, name, data, disclosure="")
    assert response.status_code == 302
    report = ImportReport.objects.get()
    assert response["Location"] == reverse("importer:report", args=[report.pk])
    notice = NoticePage.objects.get()
    assert notice.doc_number == "集街办〔2024〕46号"
    assert not notice.live  # always a draft: the editor reviews and submits it
    assert report.user == admin_user and report.notice == notice

    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "文字覆盖率" in content and "100.00%" in content
    assert reverse("wagtailadmin_pages:edit", args=[notice.pk]) in content
    assert "公开属性" in content  # the warning that the text states no disclosure
    assert "草稿" in content


def test_upload_with_attachments_links_every_page_and_applies_disclosure(admin_client, notice_index):
    name, data = seed_file("002", "txt")
    response = upload(admin_client, name, data, disclosure="主动公开", parent=notice_index.pk)
    assert response.status_code == 302
    notice = NoticePage.objects.get()
    assert notice.disclosure == "public" and not notice.live
    content = admin_client.get(response["Location"]).content.decode()
    for page in notice.get_descendants():
        assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in content


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "文件为空"),
        ("binary.txt", bytes(range(256)) * 4, "二进制"),
        ("old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 64, "旧版 Word"),
        ("truncated.docx", None, "损坏"),
        ("chrome-only.txt", "您的位置：首页 > 政务公开\n【字体：大 中 小】\n打印本页 关闭窗口\n".encode(), "没有可导"),
    ],
)
def test_bad_files_show_the_importers_message_and_write_nothing(admin_client, notice_index, name, data, message):
    if data is None:
        whole = seed_file("004", "docx")[1]
        data = whole[: len(whole) // 2]
    before = counts()
    response = upload(admin_client, name, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content and name in content
    assert "未导入任何内容" in content
    assert counts() == before


def test_anonymous_is_sent_to_login(client, notice_index):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("editor", password="secret-pass-123")
    group = Group.objects.create(name="无页面权限的编辑")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


def test_user_without_add_permission_gets_403(client, editor, notice_index):
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    name, data = seed_file("004", "txt")
    before = counts()
    assert upload(client, name, data).status_code == 403
    assert counts() == before


def test_user_with_add_permission_on_the_notice_index_can_import(client, editor, notice_index):
    group = editor.groups.get()
    GroupPagePermission.objects.create(
        group=group, page=notice_index, permission=Permission.objects.get(codename="add_page")
    )
    client.force_login(editor)
    assert client.get(URL).status_code == 200
    name, data = seed_file("004", "txt")
    response = upload(client, name, data, parent=notice_index.pk)
    assert response.status_code == 302
    assert NoticePage.objects.child_of(notice_index).count() == 1
    assert client.get(response["Location"]).status_code == 200
