"""The raw-HTML hook changes how fast MkDocs builds the site, never what it writes.

The site-level tests build the same pages with one ``mkdocs build`` each,
with and without export/raw_html_hooks.py, and compare every byte: once for
a corpus from the factories (every kind of block the exporter writes), once
for a hand-written page of the cases the hook must leave to Markdown.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType, SimpleNamespace

from cms.documents.setup import ensure_site_structure
from export.build import RAW_HTML_HOOKS, build_config, mkdocs_env, run_mkdocs, write_config
from export.docs_tree import render_docs
from export.partial_hooks import NOT_RENDERED, RAW_HTML_STASH
from export.raw_html_hooks import STASH_ATTRIBUTE, TOKEN_PREFIX, anchor_ids, restore_blocks, stash_blocks
from export.snapshot import take_snapshot
from tests.export.sitecheck import tree_digest
from tests.factories import (
    UnitFactory,
    indicator_table,
    make_attachment,
    make_letter,
    make_notice,
    paragraph,
    target_group,
    task_list,
)

TABLE = '<table class="task-list">\n<tbody>\n' + "".join(
    f'<tr id="task-{n}"><td data-label="工作任务">任务{n}<br>细则</td></tr>\n' for n in range(4)
)
TABLE += "</tbody>\n</table>"

# Cases the hook must either swap exactly or leave alone: whatever it does, the site is the same.
TRICKY_PAGE = f"""# 边界情况

{TABLE}

<div class="outer"><table><tr><td><table class="inner"><tr><td>嵌套表格里的表格，内容足够长。</td></tr>
</table></td></tr></table></div>

<p class="downloads">下载：<a href="x.csv" download>CSV<span data-gk-size="x.csv"></span></a> ·
<a name="dl" href="x.json">JSON</a></p>

段落里的 <span class="inline">行内 HTML</span> 和 **强调**。
<p class="after-paragraph">紧跟段落的块，<b>不</b>在空行之后，内容足够长足够长足够长足够长足够长。</p>

<div><p>小</p></div>

- 列表项

<table><tr><td>块后同一行还有文字，内容足够长足够长足够长足够长足够长足够长。</td></tr></table> 尾巴

<div class="comment"><!-- </div> 注释里的结束标签 --><p>注释之后的内容足够长足够长足够长足够长足够长。</p></div>

{TABLE}

<div markdown="1">

## 容器里的标题

{TABLE}

</div>

<div class="unclosed"><p>没有结束标签的块，内容足够长足够长足够长足够长足够长足够长足够长。</p>

最后一段。
"""


def load_hooks(path: Path = RAW_HTML_HOOKS) -> ModuleType:
    """A hook module as MkDocs loads it: by path, under its own name (a fresh module each call)."""
    spec = importlib.util.spec_from_file_location(f"{path.stem}_as_loaded", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_with(docs: Path, site: Path, src: Path, hooks: tuple[Path, ...] = ()) -> dict[str, str]:
    """One ``mkdocs build`` of ``docs`` with the site config and ``hooks`` added; digest of every file."""
    config = build_config(docs_dir=docs, site_dir=site, src_dir=src)
    config["hooks"] = [*config["hooks"], *map(str, hooks)]
    config_path = site.parent / f"{site.name}.yml"
    write_config(config, config_path)
    result = run_mkdocs(config_path, site, mkdocs_env(0))
    assert result.returncode == 0, result.stderr[-2000:]
    return tree_digest(site)


def corpus_docs(tmp_path: Path) -> tuple[Path, Path]:
    """(docs, src) of a corpus from the factories with every kind of block the exporter writes, plus TRICKY_PAGE."""
    index = ensure_site_structure()
    towns = [UnitFactory(name=name) for name in ("原样测试东石镇", "原样测试安海镇")]
    notice = make_notice(index, body=[paragraph("正文。"), paragraph("第二段。", 2)], publish_progress=True)
    rows = [
        {"task": f"任务{n}", "detail": "细化", "deadline": "2024年底前", "units": [(towns[n % 2], "lead")]}
        for n in range(4)
    ]
    make_attachment(notice, title="重点项目清单", number=1, body=[task_list(rows, title="清单")])
    make_attachment(notice, title="目标责任", number=2, body=[target_group(towns[0]), indicator_table(*towns)])
    letters = make_attachment(notice, title="目标责任书", number=3, slug="letters")
    make_letter(letters, towns[1], title="东石镇目标责任书", body=[paragraph("责任书正文。"), task_list(rows[:2])])
    src = tmp_path / "src"
    rendered = render_docs(take_snapshot(), src)
    (rendered.docs_dir / "tricky.md").write_text(TRICKY_PAGE, encoding="utf-8")
    return rendered.docs_dir, src


def test_stash_blocks__swaps_a_table_inside_for_a_token_and_restores_it():
    markdown = f"# 标题\n\n{TABLE}\n\n段落。\n"

    swapped, stashed = stash_blocks(markdown)

    assert len(stashed) == 1
    token, opening, _ = stashed[0]
    assert opening == '<table class="task-list">' and token in swapped and "<tr" not in swapped
    converted = swapped.replace("段落。", "<p>段落。</p>")  # what Markdown does around the block
    assert restore_blocks(converted, stashed) == markdown.replace("段落。", "<p>段落。</p>")


def test_stash_blocks__leaves_a_page_that_already_holds_the_token_alone():
    markdown = f"{TOKEN_PREFIX} 出现在正文里。\n\n{TABLE}\n"
    assert stash_blocks(markdown) == (markdown, [])


def test_stash_blocks__stops_at_a_comment_or_a_markdown_container():
    for unsafe in ("<div><!-- x --><p>" + "长" * 80 + "</p></div>", '<div markdown="1">\n\n' + TABLE + "\n\n</div>"):
        markdown = f"{unsafe}\n\n{TABLE}\n"
        assert stash_blocks(markdown) == (markdown, [])


def test_restore_blocks__a_token_that_did_not_come_back_as_it_went_in_gives_none():
    _, stashed = stash_blocks(f"{TABLE}\n")
    token, opening, _ = stashed[0]
    assert restore_blocks(f"<p>{token}</p>", stashed) is None
    assert restore_blocks(f"{opening}{token}</table>{token}", stashed) is None


def test_anchor_ids__ids_of_any_tag_and_names_of_links_only():
    inside = '<tr id="task-1"><td ID=\'b&amp;c\'><a name="dl">x</a><input name="q"><span data-id="no"></span></td></tr>'
    assert anchor_ids(inside) == {"task-1", "b&c", "dl"}


def test_raw_html_stash__partial_hooks_drop_the_attribute_the_hook_sets():
    assert RAW_HTML_STASH == STASH_ATTRIBUTE == load_hooks().STASH_ATTRIBUTE


def test_on_page_markdown__a_page_a_partial_build_only_reads_is_left_as_it_is():
    hooks = load_hooks()
    assert NOT_RENDERED == hooks.NOT_RENDERED_ATTRIBUTE
    rendered, read_only = SimpleNamespace(), SimpleNamespace(**{NOT_RENDERED: True})
    markdown = f"前文\n\n{TABLE}\n"
    assert hooks.on_page_markdown(markdown, page=rendered, config=None, files=None) != markdown
    assert hooks.STASH_ATTRIBUTE in vars(rendered)
    assert hooks.on_page_markdown(markdown, page=read_only, config=None, files=None) == markdown
    assert hooks.STASH_ATTRIBUTE not in vars(read_only)
