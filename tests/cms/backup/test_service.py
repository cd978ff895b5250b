"""cms.backup.service and cms.backup.restore in-process: manifest, verification, refusals, restore with --replace.

The full round trip into a brand-new database (with ``migrate``) runs as
real subprocesses in test_commands.py; here restore goes into the
test database itself (``replace=True``), which is enough to prove that
every row comes back as saved, and runs on both CI databases.
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import django
import pytest
import wagtail
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from wagtail.documents.models import Document
from wagtail.models import Page, Site, Workflow

from cms.backup.restore import existing_content, restore_backup
from cms.backup.service import (
    FORMAT,
    BackupError,
    backup_models,
    code_migrations,
    create_backup,
    open_archive,
)
from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.units.models import Unit, UnitGroup
from tests.factories import UnitFactory, make_notice, task_list


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def content(notice_index, media, admin_user):
    """A published notice with one task, its progress report, and an uploaded document."""
    unit = UnitFactory(name="城关镇")
    notice = make_notice(notice_index, body=[task_list([{"task": "排查隐患", "units": [(unit, "lead")]}])])
    task = Task.objects.get(notice=notice)
    TaskProgress.objects.create(row_id=task.row_id, status=ProgressStatus.IN_PROGRESS, reported_on=date(2024, 5, 1))
    document = Document(title="原件")
    document.file.save("原件.txt", ContentFile("原件内容".encode()), save=True)
    return notice, task, document


def _counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backup_models()}


@pytest.mark.django_db
def test_existing_content__empty_after_migrate_and_lists_content_once_there_is_some(notice_index):
    # migrate (and the site bootstrap: root, home, 公文库, groups, workflow) is not content...
    structure_only = existing_content()
    assert set(structure_only) <= {
        "documents.homepage",
        "documents.noticeindexpage",
        "wagtailcore.page",
        "wagtailcore.revision",
    }
    Page.objects.exclude(depth=1).delete()
    assert existing_content() == {}
    UnitFactory(name="城关镇")
    assert existing_content() == {"units.unit": 1}


@pytest.mark.django_db
def test_create_backup__manifest_has_versions_migrations_counts_and_checksums(content, tmp_path):
    result = create_backup(tmp_path / "backups" / "b.zip")
    with zipfile.ZipFile(result.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == FORMAT and manifest["format_version"] == 1
        assert manifest["django"] == django.get_version() and manifest["wagtail"] == wagtail.__version__
        assert manifest["migrations"] == code_migrations()
        tables = {entry["model"]: entry for entry in manifest["tables"]}
        assert tables["ledger.taskprogress"]["rows"] == 1
        assert {label: entry["rows"] for label, entry in tables.items()} == _counts()
        assert "wagtailsearch.indexentry" not in tables and "sessions.session" not in tables
        first = json.loads(archive.read("data/wagtailcore.page.jsonl").splitlines()[0])
        assert first["fields"]["content_type"] == ["wagtailcore", "page"]  # natural key, not an id
        assert [entry["path"] for entry in manifest["media"]] == ["documents/原件.txt"]
        assert archive.read("media/documents/原件.txt") == "原件内容".encode()
    assert result.rows == sum(_counts().values())
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["b.zip"]  # no partial file left beside it


def _rewrite(source: Path, target: Path, change) -> Path:
    """Copy a zip member by member, letting ``change(name, data)`` alter each member."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def _bump_rows(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["tables"][3]["rows"] += 1
    return json.dumps(manifest).encode()


BROKEN = {
    "truncated.zip": (
        "不完整或已损坏",
        lambda good, path: path.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
    ),
    "flipped.zip": ("", lambda good, path: path.write_bytes(_flip_inside_first_member(good.read_bytes()))),
    "not-a-zip.zip": ("不完整或已损坏", lambda good, path: path.write_text("备份", encoding="utf-8")),
    "foreign.zip": (
        "不是本系统的备份文件",
        lambda good, path: _rewrite(good, path, lambda n, d: None if n == "manifest.json" else d),
    ),
    "other-format.zip": (
        "不是本系统的备份文件",
        lambda good, path: _rewrite(good, path, lambda n, d: b'{"format": "x"}' if n == "manifest.json" else d),
    ),
    "miscounted.zip": (
        "行",
        lambda good, path: _rewrite(good, path, lambda n, d: _bump_rows(d) if n == "manifest.json" else d),
    ),
    "edited.zip": (
        "校验和不符",
        lambda good, path: _rewrite(
            good, path, lambda n, d: d.replace(b"\\u57ce", b"X") if n.startswith("data/") else d
        ),
    ),
}


def _flip_inside_first_member(data: bytes) -> bytes:
    """Damage compressed bytes of the first data member (its local header: 30 bytes, name, extra field)."""
    name_length, extra_length = int.from_bytes(data[26:28], "little"), int.from_bytes(data[28:30], "little")
    position = 30 + name_length + extra_length + 10
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_open_archive__refuses_a_broken_or_foreign_file_naming_it(content, tmp_path, name):
    good = create_backup(tmp_path / "good.zip").path
    expected, make = BROKEN[name]
    bad = tmp_path / name
    make(good, bad)
    with pytest.raises(BackupError) as raised:
        open_archive(bad)
    assert str(bad) in str(raised.value) and expected in str(raised.value)


@pytest.mark.django_db
def test_restore_backup__refuses_a_database_with_content_and_writes_nothing(content, tmp_path):
    path = create_backup(tmp_path / "b.zip").path
    Unit.objects.create(name="新单位")
    before = _counts()
    with pytest.raises(BackupError, match=r"目标数据库已有内容.*documents\.noticepage.*--replace"):
        restore_backup(path)
    with pytest.raises(CommandError, match="恢复失败：目标数据库已有内容"):
        call_command("restore_data", str(path))
    assert _counts() == before


@pytest.mark.django_db
def test_restore_backup__replace_brings_back_exactly_the_saved_rows_and_media(content, tmp_path, media):
    notice, task, document = content
    Task.objects.filter(pk=task.pk).update(status=ProgressStatus.DONE, status_note="核实后改为已完成")
    path = create_backup(tmp_path / "b.zip").path
    saved = _counts()

    notice.title = "备份之后改的标题"
    notice.save_revision().publish()
    UnitFactory(name="备份后新增")
    Group.objects.create(name="备份后新增")
    Path(document.file.path).unlink()

    restore_backup(path, replace=True)

    assert _counts() == saved
    notice.refresh_from_db()
    assert notice.title != "备份之后改的标题"
    # the task keeps its saved status: the progress report is not applied again on load
    assert Task.objects.values_list("status", "status_note").get(pk=task.pk) == (
        ProgressStatus.DONE,
        "核实后改为已完成",
    )
    assert Document.objects.get(pk=document.pk).file.read() == "原件内容".encode()
    assert Site.objects.get().root_page.specific == notice_index_home(notice)
    assert Workflow.objects.filter(name="公文审批").count() == 1
    assert not Unit.objects.filter(name="备份后新增").exists()


def notice_index_home(notice):
    return notice.get_parent().get_parent().specific


@pytest.mark.django_db
@pytest.mark.parametrize("microsecond", [123, 456, 123456, 999999])
def test_restore_backup__datetimes_keep_every_microsecond_and_back_up_identically(
    content, tmp_path, media, microsecond
):
    # Django's encoder wrote 123 and 456 µs as ".000" (milliseconds), restored them as 0 µs and wrote no fraction
    # the next time; 999999 µs was cut to ".999".
    notice, _task, _document = content
    moment = datetime(2024, 5, 1, 8, 30, 15, microsecond, tzinfo=UTC)
    Page.objects.filter(pk=notice.pk).update(last_published_at=moment, first_published_at=moment)
    first = create_backup(tmp_path / "first.zip").path

    restore_backup(first, replace=True)

    assert Page.objects.get(pk=notice.pk).last_published_at == moment
    second = create_backup(tmp_path / "second.zip").path
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert json.loads(a.read("manifest.json"))["tables"] == json.loads(b.read("manifest.json"))["tables"]
        assert f"15.{microsecond:06d}Z".encode() in a.read("data/wagtailcore.page.jsonl")


@pytest.mark.django_db
def test_create_backup__many_to_many_ids_are_written_in_id_order_not_the_models_ordering(tmp_path, media):
    # Units are ordered by name (乙 before 甲), and names can tie; the archive must not depend on either.
    first, second = UnitFactory(name="甲镇"), UnitFactory(name="乙镇")
    group = UnitGroup.objects.create(name="各乡镇（街道）")
    group.members.set([second, first])
    group.save()
    path = create_backup(tmp_path / "b.zip").path
    with zipfile.ZipFile(path) as archive:
        rows = [json.loads(line) for line in archive.read("data/units.unitgroup.jsonl").splitlines()]
    assert [row["fields"]["members"] for row in rows] == [[first.pk, second.pk]]
