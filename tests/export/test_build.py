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
from tests.export.sitecheck import tree_digest
from tests.factories import make_notice, paragraph
from tests.faults import database_goes_away, leftovers

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
