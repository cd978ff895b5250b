"""Skipping the inline patterns for text none of them can match changes how fast MkDocs builds, never what it writes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from markdown.treeprocessors import InlineProcessor
from mkdocs.config import load_config

from export.build import INLINE_HOOKS, build_config, write_config
from tests.export.test_raw_html_hooks import load_hooks

SITE_SRC = Path(__file__).resolve().parents[2] / "site_src"
EXTENSIONS = ["tables", "attr_list", "md_in_html", "toc"]

# Each inline pattern's own syntax, text beside it and text with none of it.
SAMPLES = [
    "安全生产目标责任，全年无较大事故。",
    "代码 `x = 1` 与 ``双反引号`` 和 \\`转义\\`",
    "转义 \\* 星号 \\_ 下划线 \\\\ 反斜杠",
    "[链接](https://example.org/a_b) 与 ![图](https://example.org/a.png) 与 [引用][r] 和 [短引用]\n\n[r]: https://example.org",
    "自动链接 <https://example.org> 和 <someone@example.org>",
    "换行  \n第二行",
    '行内 <span class="x">HTML</span> 与 <b>粗</b>',
    "实体 &amp; &#169; &#xA9; 与裸 & 符号",
    "*强调* **加粗** ***两者*** _下划线_ __加粗__ 与单独的 * 和 _",
    "数字 3*4 与 snake_case_name 与 1<2",
    "| 表头 | 说明 |\n| --- | --- |\n| *格* | 无格式 |\n",
    "# 标题 {#custom-id}\n\n段落 {: .cls }",
    '<div markdown="1">\n\n*容器里的强调* 与纯文字\n\n</div>',
    "全角符号＊＿［］＜＆ 不是 Markdown 语法",
]


def _converted(texts: list[str]) -> list[str]:
    converter = markdown.Markdown(extensions=EXTENSIONS)
    return [converter.reset().convert(text) for text in texts]


def test_handle_inline__same_html_as_python_markdown_for_every_pattern():
    hooks = load_hooks(INLINE_HOOKS)
    plain = _converted(SAMPLES)
    try:
        hooks.on_config({"markdown_extensions": EXTENSIONS, "mdx_configs": {}})
        assert InlineProcessor._InlineProcessor__handleInline is hooks._handle_inline  # type: ignore[attr-defined]
        fast = _converted(SAMPLES)
    finally:
        hooks.on_post_build(config=SimpleNamespace())
    assert fast == plain
    assert "<em>强调</em>" in plain[8] and "<br />" in plain[5] and "&amp;" in plain[7]


def test_handle_inline__text_without_markdown_syntax_skips_the_patterns(monkeypatch):
    hooks = load_hooks(INLINE_HOOKS)
    seen: list[str] = []
    original = hooks._original

    def counting(self, data, patternIndex=0):
        seen.append(data)
        return original(self, data, patternIndex)

    monkeypatch.setattr(hooks, "_original", counting)
    converter = markdown.Markdown(extensions=EXTENSIONS)
    try:
        hooks.on_config({"markdown_extensions": EXTENSIONS, "mdx_configs": {}})
        assert (
            converter.convert("全年无较大事故，隐患整治完成率100%。") == "<p>全年无较大事故，隐患整治完成率100%。</p>"
        )
        assert seen == []
        assert converter.reset().convert("见 [附件](a.html)") == '<p>见 <a href="a.html">附件</a></p>'
    finally:
        hooks.on_post_build(config=SimpleNamespace())
    assert seen and seen[0] == "见 [附件](a.html)"


@pytest.mark.parametrize(
    "change",
    [
        {"markdown_extensions": [*EXTENSIONS, "smarty"]},  # adds inline patterns the trigger does not know
        {"version": "0.0"},
    ],
)
def test_applies__only_for_the_patterns_and_release_it_was_read_from(change, monkeypatch):
    hooks = load_hooks(INLINE_HOOKS)
    config = {"markdown_extensions": EXTENSIONS, "mdx_configs": {}}
    assert hooks.applies(config)
    if "version" in change:
        monkeypatch.setattr(hooks, "MARKDOWN_VERSION", change["version"])
    else:
        config = {**config, **change}
    original = InlineProcessor._InlineProcessor__handleInline  # type: ignore[attr-defined]
    hooks.on_config(config)
    assert not hooks.applies(config)
    assert InlineProcessor._InlineProcessor__handleInline is original  # type: ignore[attr-defined]


def test_applies__the_site_config_has_the_patterns_it_was_read_from(tmp_path):
    # Were it not so, every export would silently lose the speed-up.
    hooks = load_hooks(INLINE_HOOKS)
    (tmp_path / "docs").mkdir()
    path = tmp_path / "mkdocs.yml"
    write_config(build_config(docs_dir=tmp_path / "docs", site_dir=tmp_path / "site", src_dir=SITE_SRC), path)
    assert hooks.applies(load_config(str(path)))


INLINE_PAGE = "# 行内语法\n\n" + "\n\n".join(SAMPLES[1:]) + "\n"
