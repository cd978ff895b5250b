"""Audit the locked dependencies (requirements/lock.txt) for known vulnerabilities with pip-audit.

pip-audit asks an online service (PyPI's JSON API or OSV).  When neither
answers, pip-audit's PyPI service still exits 0 and only lists every package
as "skipped": that must never read as a clean audit.  So this script tells
three outcomes apart:

- vulnerabilities found: printed, exit status 1 (CI fails);
- audited, nothing found: exit status 0;
- no vulnerability database reachable: a loud message that nothing was
  audited, exit status 0 so CI stays usable offline, or 2 with AUDIT_REQUIRED=1.

Usage: python scripts/audit_lock.py [requirements/lock.txt]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICES = ("pypi", "osv")
LOCK = Path(__file__).resolve().parent.parent / "requirements" / "lock.txt"


@dataclass
class Verdict:
    """What one pip-audit report says about the lock file."""

    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        """The service answered for at least one package."""
        return self.audited > 0


def summarise(report: dict[str, Any]) -> Verdict:
    """Read pip-audit's JSON report: which packages were checked, skipped, found vulnerable."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        name = f"{dependency.get('name')}=={dependency.get('version', '?')}"
        if dependency.get("skip_reason"):
            verdict.skipped.append(f"{name}: {dependency['skip_reason']}")
            continue
        verdict.audited += 1
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "无"
            aliases = ", ".join(vuln.get("aliases", []))
            verdict.findings.append(f"{name} {vuln.get('id')} {aliases} 修复版本：{fixes}".replace("  ", " "))
    return verdict


def run_pip_audit(lock: Path, service: str) -> tuple[Verdict | None, str]:
    """One pip-audit run over the hashed lock file; (None, reason) when the service gave no report."""
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", str(lock), "--no-deps", "--disable-pip",
        "--vulnerability-service", service, "--format", "json", "--progress-spinner", "off",
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return None, "超时"
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        return None, lines[-1][:300] if lines else f"pip-audit 退出状态 {result.returncode}"
    return summarise(report), ""


def main(argv: list[str]) -> int:
    lock = Path(argv[1]) if len(argv) > 1 else LOCK
    unreachable: list[str] = []
    for service in SERVICES:
        verdict, reason = run_pip_audit(lock, service)
        if verdict is None or not verdict.reached:
            unreachable.append(f"{service}: {reason or '所有依赖均被跳过（服务没有返回数据）'}")
            continue
        print(f"依赖漏洞审计（{service}）：检查 {verdict.audited} 个依赖，跳过 {len(verdict.skipped)} 个。")
        for skipped in verdict.skipped:
            print(f"  跳过 {skipped}")
        if verdict.findings:
            print(f"!! 发现 {len(verdict.findings)} 个已知漏洞：")
            for finding in verdict.findings:
                print(f"  {finding}")
            return 1
        print("未发现已知漏洞。")
        return 0
    print("!! 依赖漏洞审计未执行：无法访问漏洞数据库（audit could not reach a vulnerability database）。")
    for line in unreachable:
        print(f"   {line}")
    print("   这不是“审计通过”。在能访问 pypi.org 的 JSON 接口或 api.osv.dev 的机器上重新运行本脚本。")
    return 2 if os.environ.get("AUDIT_REQUIRED") == "1" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
