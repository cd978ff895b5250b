"""Faults while exporting: the database going away during the snapshot, a full disk while writing.

Each test injects the real fault (see ``tests/faults.py``), checks that the
editor gets one Chinese message and exit status 1, that the previous site
(and the previous ``docs/``) is exactly as it was and nothing half-written is
left behind, and then that a plain retry succeeds.  Real ``mkdocs build``,
small corpus: one public notice.

Transactional on purpose: a PostgreSQL session the server has ended takes
the test's own transaction with it, so the data is committed instead.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cms.documents.setup import ensure_site_structure
from export.docs_tree import render_docs
from export.snapshot import take_snapshot
from tests.export.sitecheck import tree_digest
from tests.factories import make_notice, paragraph
from tests.faults import SmallDisk, database_goes_away, leftovers, small_disk

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SENTINEL = "FAULTSENTINEL01"
LATER = "FAULTLATERNOTICE01"


def _export(out: Path, src: Path) -> str:
    stdout = io.StringIO()
    call_command("export_site", "--out", str(out), "--src", str(src), stdout=stdout)
    return stdout.getvalue()


def _previous_site(out: Path) -> dict[str, str]:
    """A stand-in for the site that is online (for faults that strike before the build)."""
    (out / "notices").mkdir(parents=True)
    (out / "index.html").write_text("<html>PREVIOUS-SITE</html>", encoding="utf-8")
    (out / "notices" / "old.html").write_text("<html>OLD-NOTICE</html>", encoding="utf-8")
    return tree_digest(out)


def _notice_html(out: Path, notice) -> str:
    return (out / "notices" / f"{notice.slug}.html").read_text(encoding="utf-8")


# --- the database goes away ------------------------------------------------------------------------


def test_export_site__database_gone_during_snapshot_fails_clearly_then_retry_succeeds(tmp_path):
    notice = make_notice(ensure_site_structure(), body=[paragraph(SENTINEL)])
    out, src = tmp_path / "site", tmp_path / "src"
    before = _previous_site(out)

    with database_goes_away('FROM "units_unit"') as hit, pytest.raises(CommandError) as failure:
        _export(out, src)

    assert hit, "the fault must strike inside the snapshot"
    message = str(failure.value)
    assert failure.value.returncode == 1
    assert "数据库" in message and "快照" in message, message
    assert str(out) in message and "保持不变" in message, message
    assert "Traceback" not in message
    assert tree_digest(out) == before
    assert not (src / "docs").exists()
    assert leftovers(tmp_path, src) == []

    log = _export(out, src)
    assert "完成：" in log
    assert SENTINEL in _notice_html(out, notice)
    assert leftovers(tmp_path, src) == []


# --- the disk fills up ----------------------------------------------------------------------------------


def _export_fails_for_lack_of_space(out: Path, src: Path, disk: SmallDisk) -> None:
    """One Chinese message naming the full disk, exit 1, and the space the attempt used given back."""
    free = disk.free()
    with pytest.raises(CommandError) as failure:
        _export(out, src)
    message = str(failure.value)
    assert failure.value.returncode == 1
    assert "磁盘空间不足" in message and str(disk.path) in message and "保持不变" in message, message
    assert "Traceback" not in message
    assert disk.free() == free, "the half-written copy must not be left filling the disk"


def test_build_site__disk_full_while_writing_the_site_keeps_the_previous_one_then_retry_succeeds(tmp_path):
    """The output disk holds the online site but not a second copy beside it, which every build needs."""
    index = ensure_site_structure()
    first = make_notice(index, body=[paragraph(SENTINEL)])
    src = tmp_path / "src"
    with small_disk(tmp_path / "disk", 64 * 2**20) as disk:
        out = disk.path / "site"
        _export(out, src)
        before = tree_digest(out)
        used = disk.used()
        later = make_notice(index, body=[paragraph(LATER)])
        disk.resize(used + used // 2)

        _export_fails_for_lack_of_space(out, src, disk)
        assert tree_digest(out) == before
        assert leftovers(disk.path) == []

        disk.resize(used * 3)
        _export(out, src)
        assert SENTINEL in _notice_html(out, first) and LATER in _notice_html(out, later)
        assert leftovers(disk.path, src) == []


def test_render_docs__disk_full_keeps_the_previous_docs_and_site_then_retry_succeeds(tmp_path):
    """The source disk holds the current ``docs/`` but not the new pages rendered beside it."""
    index = ensure_site_structure()
    first = make_notice(index, body=[paragraph(SENTINEL)])
    out = tmp_path / "site"
    site_before = _previous_site(out)
    with small_disk(tmp_path / "src", 64 * 2**20) as disk:
        src = disk.path
        render_docs(take_snapshot(), src)
        docs_before = tree_digest(src / "docs")
        used = disk.used()
        later = make_notice(index, body=[paragraph(LATER)])
        disk.resize(used + used // 2)

        _export_fails_for_lack_of_space(out, src, disk)
        assert tree_digest(src / "docs") == docs_before
        assert tree_digest(out) == site_before
        assert leftovers(src, tmp_path) == []

        disk.resize(used * 3)
        _export(out, src)
        assert SENTINEL in _notice_html(out, first) and LATER in _notice_html(out, later)
        assert leftovers(src, tmp_path) == []
