from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_lock.py"
spec = importlib.util.spec_from_file_location("audit_lock", SCRIPT)
assert spec and spec.loader
audit_lock = importlib.util.module_from_spec(spec)
sys.modules["audit_lock"] = audit_lock  # dataclasses look their module up there
spec.loader.exec_module(audit_lock)


def test_summarise__vulnerability_is_a_finding():
    report = {
        "dependencies": [
            {"name": "django", "version": "4.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["4.2.1"]}]},
            {"name": "jieba", "version": "0.42.1", "vulns": []},
        ]
    }
    verdict = audit_lock.summarise(report)
    assert verdict.reached and verdict.audited == 2
    assert verdict.findings == ["django==4.2.0 PYSEC-1 修复版本：4.2.1"]


def test_summarise__all_skipped_means_not_audited():
    """pip-audit exits 0 when PyPI's JSON API answers 404 for everything; that is no audit."""
    reason = "Dependency not found on PyPI and could not be audited: django (4.2.0)"
    verdict = audit_lock.summarise({"dependencies": [{"name": "django", "version": "4.2.0", "skip_reason": reason}]})
    assert not verdict.reached
    assert verdict.findings == []
    assert verdict.skipped == [f"django==4.2.0: {reason}"]


def test_audit_lock__known_vulnerable_release_is_reported_or_audit_declared_impossible(tmp_path):
    """Django 4.2.0 has published advisories: a reachable database must fail the audit; without one, say so."""
    lock = tmp_path / "lock.txt"
    lock.write_text("django==4.2.0\n")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(lock)], capture_output=True, text=True, timeout=600, check=False
    )
    if "无法访问漏洞数据库" in result.stdout:
        assert result.returncode == 0
        assert "这不是“审计通过”" in result.stdout
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "django==4.2.0" in result.stdout
