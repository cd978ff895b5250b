"""The partial build's reading of pages it does not build (export/partial_hooks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from export import partial_hooks


def _pages(tmp_path: Path, text: str) -> tuple[Page, Page, object]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))

    def page() -> Page:
        return Page(None, File("a.md", str(docs), str(tmp_path / "site"), use_directory_urls=False), config)

    return page(), page(), config


@pytest.mark.parametrize(
    "text",
    [
        '---\ntitle: "通知 &lt;一&gt;"\nlastmod: "2024-03-01"\npagefind: document\n---\n\n# 标题\n\n' + "正文。" * 5000,
        "---\ntitle: " + '"' + "很长的标题" * 2000 + '"\nlastmod: "2024-03-01"\n---\n\n正文\n',
        "# 没有前置元数据\n\n正文\n",
        "\ufeff---\ntitle: 带字节序标记\n---\n正文\n",
    ],
    ids=["long-body", "front-matter-longer-than-the-head", "no-front-matter", "bom"],
)
def test_read_front_matter__same_meta_as_mkdocs_reading_the_whole_page(tmp_path, text):
    ours, theirs, config = _pages(tmp_path, text)
    partial_hooks._read_front_matter(ours, config)
    theirs.read_source(config)
    assert ours.meta == theirs.meta
    assert theirs.markdown is not None and ours.markdown is not None
    assert theirs.markdown.startswith(ours.markdown)
    if len(text) > 3 * partial_hooks.HEAD_CHARACTERS and text.startswith('---\ntitle: "通知'):
        assert len(ours.markdown) < partial_hooks.HEAD_CHARACTERS, "the body below the front matter is not read"
