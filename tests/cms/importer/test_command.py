"""``manage.py import_document``: bad input gets one clear message, exit status 1, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cms.documents.models import NoticePage
from cms.documents.setup import ensure_site_structure
from cms.importer.models import ImportReport
from cms.units.models import Unit
from tests.docx_writer import text_to_docx
from tests.faults import database_goes_away

ROOT = Path(__file__).resolve().parents[3]
SEED_004 = next((ROOT / "content" / "seeds").glob("004_*.txt"))


def counts() -> tuple[int, int, int]:
    return Page.objects.count(), Unit.objects.count(), ImportReport.objects.count()


def bad_files(tmp_path: Path) -> dict[str, Path]:
    seed = SEED_004.read_text(encoding="utf-8")
    files = {
        "empty.txt": b"",
        "picture.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "old.doc": bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512,
        "truncated.docx": text_to_docx(seed)[:700],
        "latin1.txt": "Stra\xdfe caf\xe9 \xe0 la gare \xa9\xae".encode("latin-1") * 3,
        "no-title.txt": b"\n\n\t\n\n",
    }
    paths = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)
    paths["huge.txt"] = big
    return paths


@pytest.mark.django_db
def test_import_document__each_bad_file_names_itself_and_writes_nothing(tmp_path, notice_index):
    before = counts()
    for name, path in bad_files(tmp_path).items():
        with pytest.raises(CommandError) as error:
            call_command("import_document", str(SEED_004), str(path), stdout=open(os.devnull, "w"))  # noqa: SIM115
        message = str(error.value)
        assert name in message, message
        assert "未写入任何内容" in message
        assert counts() == before, name


@pytest.mark.django_db
def test_import_document__dry_run_prints_report_and_writes_nothing(capsys, notice_index):
    before = counts()
    call_command("import_document", str(SEED_004), "--dry-run")
    out = capsys.readouterr().out
    assert "集街办〔2024〕46号" in out and "文字覆盖率：100.00%" in out and "试运行" in out
    assert counts() == before


def test_import_document__command_line_exits_1_with_the_message(tmp_path):
    bad = tmp_path / "old.doc"
    bad.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 64)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_document", str(bad)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "old.doc" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db(transaction=True)
def test_import_document__database_gone_mid_import_writes_nothing_then_retry_imports_once(capsys):
    """The server ends the session after the pages are written, as the import report is saved."""
    ensure_site_structure()
    before = counts()

    with database_goes_away('INSERT INTO "importer_importreport"') as hit, pytest.raises(CommandError) as error:
        call_command("import_document", str(SEED_004), "--publish")

    assert hit, "the fault must strike after the pages were written"
    message = str(error.value)
    assert error.value.returncode == 1
    assert "未写入任何内容" in message and "数据库" in message and SEED_004.name in message, message
    assert "Traceback" not in message
    assert counts() == before

    call_command("import_document", str(SEED_004), "--publish")
    assert NoticePage.objects.filter(doc_number="集街办〔2024〕46号").count() == 1
    assert ImportReport.objects.count() == before[2] + 1
    assert "已导入并发布" in capsys.readouterr().out
