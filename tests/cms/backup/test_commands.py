"""backup_data / restore_data as an operator runs them: real ``manage.py`` subprocesses.

The round trip goes from a freshly migrated database with demo content to a
brand-new empty database and must give a byte-identical public site and
exactly the same rows. It runs against the CI pass's engine: temporary
SQLite files, or (when DATABASE_URL is PostgreSQL) two scratch databases
created and dropped here, named after the configured one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest

from cms.backup.service import create_backup

ROOT = Path(__file__).resolve().parents[3]
SEEDS = [next((ROOT / "content" / "seeds").glob(pattern)) for pattern in ("000_*.txt", "003_*.txt", "004_*.txt")]

# Runs inside ``manage.py shell``: one progress report (made public) and one uploaded document.
RECORD = """
from datetime import date
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from cms.documents.models import NoticePage
from cms.ledger.models import Task, TaskProgress
task = Task.objects.order_by("notice__path", "position").first()
NoticePage.objects.filter(pk=task.notice_id).update(publish_progress=True)
TaskProgress.objects.create(row_id=task.row_id, status="in_progress", note="已排查两处", reported_on=date(2024, 5, 1))
document = Document(title="原件扫描")
document.file.save("原件扫描.txt", ContentFile("原件扫描内容".encode()), save=True)
"""


def _command(args: tuple[str, ...], database: str, media: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media),
    }
    return {"args": [sys.executable, "manage.py", *args], "cwd": ROOT, "env": env, "text": True}


def manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(**_command(args, database, media), capture_output=True, timeout=600)


def manage_async(*args: str, database: str, media: Path) -> subprocess.Popen[str]:
    """Start a command that only reads ``database`` while the test goes on (saves wall time)."""
    return subprocess.Popen(**_command(args, database, media), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(source URL, target URL): two databases that do not exist yet / hold nothing."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path}/source.sqlite3", f"sqlite:///{tmp_path}/target.sqlite3"
        return
    config = dj_database_url.parse(url)
    names = [f"{config['NAME']}_rt{os.getpid()}_{role}" for role in ("src", "dst")]
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    try:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        yield tuple(urlsplit(url)._replace(path=f"/{name}").geturl() for name in names)
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def site_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


@pytest.mark.slow
def test_backup_and_restore__demo_content_into_a_new_database_exports_the_same_site(databases, tmp_path):
    source, target = databases
    media_a, media_b = tmp_path / "media-a", tmp_path / "media-b"
    ok(manage("migrate", "--noinput", "-v0", database=source, media=media_a))
    ok(
        manage(
            "import_document", *map(str, SEEDS), "--publish", "--disclosure", "主动公开", database=source, media=media_a
        )
    )
    ok(manage("shell", "-c", RECORD, database=source, media=media_a))
    export_a = manage_async(
        "export_site", "--out", str(tmp_path / "A"), "--src", str(tmp_path / "src-a"), database=source, media=media_a
    )
    archive = tmp_path / "backup.zip"
    backup_log = ok(manage("backup_data", "--out", str(archive), database=source, media=media_a))
    restore_log = ok(manage("restore_data", str(archive), database=target, media=media_b))
    assert "完成：备份已写入" in backup_log and "完成：已从" in restore_log
    ok(finish(export_a))

    # A second restore into the now-filled database is refused and changes nothing (checked by the re-backup below).
    again = manage("restore_data", str(archive), database=target, media=media_b)
    assert again.returncode == 1 and "目标数据库已有内容" in again.stderr and "Traceback" not in again.stderr

    ok(manage("backup_data", "--out", str(tmp_path / "after.zip"), database=target, media=media_b))
    ok(
        manage(
            "export_site",
            "--out",
            str(tmp_path / "B"),
            "--src",
            str(tmp_path / "src-b"),
            database=target,
            media=media_b,
        )
    )

    site_a, site_b = site_files(tmp_path / "A"), site_files(tmp_path / "B")
    assert len(site_a) > 50 and sorted(site_a) == sorted(site_b)
    assert [name for name in site_a if site_a[name] != site_b[name]] == []
    assert any("已排查两处".encode() in data for data in site_a.values())  # the progress report is public

    # Same rows in every table (counts and checksums); the migration-made rows of the target are gone.
    before, after = manifest(archive), manifest(tmp_path / "after.zip")
    assert {t["model"]: t["rows"] for t in before["tables"]} == {t["model"]: t["rows"] for t in after["tables"]}
    assert before["tables"] == after["tables"]
    assert site_files(media_b) == site_files(media_a) and "documents/原件扫描.txt" in site_files(media_b)


def test_restore_data__a_truncated_archive_exits_1_naming_it_and_writes_nothing(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    good = create_backup(tmp_path / "good.zip").path
    broken = tmp_path / "备份-截断.zip"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    target = tmp_path / "target.sqlite3"

    result = manage("restore_data", str(broken), database=f"sqlite:///{target}", media=tmp_path / "media-b")

    assert result.returncode == 1
    assert f"恢复失败：备份文件 {broken} 不完整或已损坏" in result.stderr and "Traceback" not in result.stderr
    tables = sqlite3.connect(target).execute("SELECT name FROM sqlite_master").fetchall() if target.exists() else []
    assert tables == [] and not (tmp_path / "media-b").exists()
