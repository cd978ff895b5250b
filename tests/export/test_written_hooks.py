"""The written-pages hook names every page MkDocs writes, once, in the order it writes them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from export.build import WRITTEN_HOOKS
from export.written_hooks import WRITTEN_VARIABLE

# MkDocs' own plain theme, so the test builds in a second; the exporter's build uses the same events.
PAGES = {"index.md": "# 首页\n", "notices/a.md": "# 甲\n\n正文。\n", "notices/a/b.md": "# 乙\n", "units/c.md": "# 丙\n"}


def _build(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    docs = tmp_path / "docs"
    for path, text in PAGES.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    config = {
        "site_name": "测试",
        "docs_dir": str(docs),
        "site_dir": str(tmp_path / "site"),
        "use_directory_urls": False,
        "theme": {"name": "mkdocs"},
        "hooks": [str(WRITTEN_HOOKS)],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp_path / "mkdocs.yml")]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def test_written_hooks__every_page_named_once_after_it_is_written(tmp_path):
    log = tmp_path / "written.log"
    env = {**_environment(), WRITTEN_VARIABLE: str(log)}
    result = _build(tmp_path, env)
    assert result.returncode == 0, result.stderr
    named = log.read_text(encoding="utf-8").splitlines()
    assert sorted(named) == sorted(path.removesuffix(".md") + ".html" for path in PAGES)
    assert all((tmp_path / "site" / name).is_file() for name in named)


def test_written_hooks__nothing_without_the_variable(tmp_path):
    env = _environment()
    env.pop(WRITTEN_VARIABLE, None)
    assert _build(tmp_path, env).returncode == 0
    assert not list(tmp_path.glob("*.log"))


def _environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
