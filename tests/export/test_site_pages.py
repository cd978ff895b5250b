"""The site's pages and build plumbing without MkDocs or a database: fast checks of the rules."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from export import mkdocs_hooks
from export.build import build_config
from export.index_pages import NAV
from export.pages import build_pages
from export.tree import href, source_date

ROW_ID = "row-1"


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": {"level": 0, "text": f"<p>{text}</p>"}}


def _tasks(*unit_ids: int) -> dict[str, Any]:
    units = [{"type": "item", "id": f"u{u}", "value": {"unit": u, "name": "", "role": "lead"}} for u in unit_ids]
    row = {"task": "打通消防车通道", "detail": "", "deadline": "2024年底前", "units": units, "units_text": ""}
    return {"type": "task_list", "value": {"title": "", "rows": [{"type": "item", "id": ROW_ID, "value": row}]}}


def _notice(pk: int, slug: str, **fields: Any) -> dict[str, Any]:
    record = {
        "id": pk,
        "title": f"通知{pk}",
        "slug": slug,
        "body": [],
        "first_published_at": "2024-03-15T09:30:00+08:00",
        "last_published_at": "2024-03-15T09:30:00+08:00",
        "issuer": "测试县人民政府",
        "doc_number": f"测安委〔2024〕{pk}号",
        "year": 2024,
        "topic": "both",
        "validity": "valid",
        "disclosure": "public",
        "disclosure_text": "此件主动公开",
        "attachments": [],
    }
    record.update(fields)
    return record


def _attachment(pk: int, slug: str, **fields: Any) -> dict[str, Any]:
    record = {
        "id": pk,
        "title": f"附件{pk}",
        "slug": slug,
        "body": [],
        "number": 1,
        "kind": "tasks",
        "letters": [],
        "attachments": [],
        "first_published_at": "2024-03-15T09:30:00+08:00",
        "last_published_at": "2024-03-16T09:30:00+08:00",
    }
    record.update(fields)
    return record


def _unit(pk: int, name: str) -> dict[str, Any]:
    return {
        "id": pk,
        "name": name,
        "slug": f"unit-{pk}",
        "kind": "department",
        "parent_id": None,
        "sort_order": 0,
        "aliases": [],
    }


def _snapshot() -> dict[str, Any]:
    letter = {
        "id": 30,
        "title": "目标责任书",
        "slug": "letter-a",
        "body": [],
        "unit_id": 1,
        "first_published_at": "2024-03-15T09:30:00+08:00",
        "last_published_at": "2024-03-15T09:30:00+08:00",
    }
    nested = _attachment(21, "fujian-nested", letters=[letter], body=[_tasks(2)])
    return {
        "notices": [
            _notice(10, "notice-a", attachments=[_attachment(20, "fujian-1", attachments=[nested], body=[_tasks(1)])]),
            _notice(11, "notice-b", topic="fire", validity="repealed", year=None),
        ],
        "units": [_unit(1, "乡安办"), _unit(2, "消防救援大队"), _unit(3, "只在单位库中的单位")],
    }


def _pages(snapshot: dict[str, Any] | None = None) -> dict[str, str]:
    return {page.path: page.text for page in build_pages(snapshot or _snapshot())}


def test_href__relative_between_depths():
    assert href("units/unit-1.md", "notices/a/b.md") == "../notices/a/b.md"
    assert href("notices/a/b/c.md", "units/unit-1.md", html=True) == "../../../units/unit-1.html"
    assert href("index.md", "years/2024.md") == "years/2024.md"
    assert href("units/u.md", "notices/a/b.md", html=True, anchor="task-1") == "../notices/a/b.html#task-1"


# Docs paths as the exporter makes them: folders and names that share prefixes (units / units2 / un).
_DOCS_PATH = st.lists(
    st.sampled_from(["units", "units2", "un", "notices", "a", "2024.md", "index.md"]), min_size=1, max_size=5
)


@given(to_path=_DOCS_PATH, from_path=_DOCS_PATH)
def test_href__same_as_posixpath_relpath_for_any_two_docs_paths(to_path: list[str], from_path: list[str]):
    """The shortcut for links across top folders must give exactly what relpath gives (pages are byte-compared)."""
    to, src = "/".join(to_path), "/".join(from_path)
    assert href(src, to) == posixpath.relpath(to, posixpath.dirname(src) or ".")


def test_build_pages__layout_of_documents_and_indexes():
    paths = set(_pages())
    assert {
        "index.md",
        "notices/notice-a.md",
        "notices/notice-a/fujian-1.md",
        "notices/notice-a/fujian-1/fujian-nested.md",
        "notices/notice-a/fujian-1/fujian-nested/letter-a.md",
        "notices/notice-b.md",
        "units/index.md",
        "units/unit-1.md",
        "units/unit-2.md",
        "years/index.md",
        "years/2024.md",
        "years/unknown.md",
        "issuers/index.md",
        "topics/index.md",
        "topics/safety.md",
        "topics/fire.md",
    } <= paths
    assert {item[next(iter(item))] for item in NAV} <= paths


def test_build_pages__unit_known_only_from_the_registry_gets_no_page_and_no_mention():
    pages = _pages()
    assert "units/unit-3.md" not in pages
    assert not [path for path, text in pages.items() if "只在单位库中的单位" in text]


def test_build_pages__unit_links_are_relative_html_from_any_depth():
    pages = _pages()
    assert 'href="../../units/unit-1.html"' in pages["notices/notice-a/fujian-1.md"]
    assert 'href="../../../units/unit-2.html"' in pages["notices/notice-a/fujian-1/fujian-nested.md"]
    letter = pages["notices/notice-a/fujian-1/fujian-nested/letter-a.md"]
    assert 'href="../../../../units/unit-1.html"' in letter
    assert 'href="../../../notice-a.html"' in letter


def test_build_pages__unit_page_links_task_rows_and_counts_by_year():
    page = _pages()["units/unit-1.md"]
    assert "## 2024年（2项）" in page
    assert "### 目标责任书（1项）" in page and "### 任务（1项）" in page
    assert f'href="../notices/notice-a/fujian-1.html#task-{ROW_ID}"' in page
    assert "(../notices/notice-a/fujian-1/fujian-nested/letter-a.md)" in page


def test_build_pages__topic_both_is_listed_under_safety_and_fire():
    pages = _pages()
    assert "notice-a.md" in pages["topics/safety.md"] and "notice-a.md" in pages["topics/fire.md"]
    assert "notice-b.md" not in pages["topics/safety.md"] and "notice-b.md" in pages["topics/fire.md"]


def test_build_pages__repealed_notice_has_banner_on_itself_and_in_lists():
    pages = _pages()
    assert "本文件已废止" in pages["notices/notice-b.md"]
    assert "已废止" in pages["years/unknown.md"]


def test_build_pages__same_snapshot_gives_same_pages_whatever_the_dict_order():
    snapshot = _snapshot()
    shuffled = json.loads(json.dumps(snapshot, sort_keys=True))
    assert _pages(snapshot) == _pages(shuffled)


def test_build_pages__notice_slug_clash_under_two_indexes_gets_the_id():
    snapshot = {"notices": [_notice(1, "same"), _notice(2, "same")], "units": []}
    assert {"notices/same.md", "notices/same-2.md"} <= set(_pages(snapshot))


def test_build_pages__empty_snapshot_still_has_every_nav_page():
    pages = _pages({"notices": [], "units": []})
    assert {item[next(iter(item))] for item in NAV} <= set(pages)
    assert "暂无公开文件" in pages["years/index.md"]


def test_build_pages__titles_are_escaped_in_front_matter():
    snapshot = {
        "notices": [_notice(1, "x", title='关于</title><script>alert(1)</script>: "引号" #的通知')],
        "units": [],
    }
    text = _pages(snapshot)["notices/x.md"]
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["title"] == "关于&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;: &quot;引号&quot; #的通知"
    assert meta["lastmod"] == "2024-03-15"


def test_source_date__latest_publication_day():
    assert str(source_date(_snapshot())) == "2024-03-16"
    assert source_date({"notices": [], "units": []}) is None


def test_build_config__absolute_paths_small_nav_and_site_url(tmp_path):
    config = build_config(
        docs_dir=tmp_path / "docs", site_dir=tmp_path / "site", src_dir=tmp_path / "src", base_url="https://x.gov.cn/a"
    )
    assert config["docs_dir"] == str((tmp_path / "docs").resolve())
    assert config["nav"] == NAV
    assert config["site_url"] == "https://x.gov.cn/a/"
    assert config["use_directory_urls"] is False
    assert Path(config["theme"]["custom_dir"]).is_absolute() and Path(config["theme"]["custom_dir"]).is_dir()
    # No MkDocs search plugin: Pagefind indexes the built site (export/search_index.py).
    assert config["plugins"] == []
    assert all(Path(hook).is_file() for hook in config["hooks"])
    assert config["theme"]["font"] is False and config["extra"]["generator"] is False


def test_build_config__hand_written_parts_in_src_win(tmp_path):
    (tmp_path / "overrides").mkdir()
    config = build_config(docs_dir=tmp_path / "docs", site_dir=tmp_path / "site", src_dir=tmp_path)
    assert config["theme"]["custom_dir"] == str((tmp_path / "overrides").resolve())


def test_mkdocs_hooks__cdn_script_urls_neutralised_and_source_maps_dropped(tmp_path):
    scripts = tmp_path / "assets" / "javascripts"
    scripts.mkdir(parents=True)
    bundle = scripts / "bundle.min.js"
    bundle.write_text(
        'a=_t("https://unpkg.com/resize-observer-polyfill");b=_t(`https://cdn.jsdelivr.net/x@1/y.js`)\n'
        "//# sourceMappingURL=bundle.min.js.map\n",
        encoding="utf-8",
    )
    (scripts / "bundle.min.js.map").write_text("{}", encoding="utf-8")
    mkdocs_hooks.on_post_build(config={"site_dir": str(tmp_path)})
    text = bundle.read_text(encoding="utf-8")
    assert "unpkg" not in text and "jsdelivr" not in text and "sourceMappingURL" not in text
    assert '_t("data:text/javascript,")' in text
    assert not (scripts / "bundle.min.js.map").exists()


def test_mkdocs_hooks__lastmod_from_front_matter_dates_the_page():
    page = SimpleNamespace(
        meta={"lastmod": "2024-03-15"}, update_date="2099-01-01", file=SimpleNamespace(src_uri="notices/a.md")
    )
    mkdocs_hooks.on_page_markdown("# x", page=page, config={}, files=None)
    assert page.update_date == "2024-03-15"


def test_mkdocs_hooks__unit_page_rows_are_kept_out_of_the_search_index():
    html = '<h1>乡安办</h1>\n<p>涉及1份文件</p>\n<table class="unit-summary"></table>\n<h2>2024年</h2><table></table>'
    out = mkdocs_hooks.summary_only(html)
    before, _, after = out.partition('<div data-pagefind-ignore="all">')
    assert "涉及1份文件" in before and "<table" not in before
    assert after.count("<table") == 2 and out.endswith("</div>\n")
    assert mkdocs_hooks.summary_only("<p>没有表格</p>") == "<p>没有表格</p>"


def test_mkdocs_hooks__every_th_gets_a_scope():
    html = (
        '<table><thead><tr><th>年度</th><th scope="colgroup" colspan="2">任务</th></tr></thead>'
        "<tbody><tr><th>2024年</th><td>1</td></tr></tbody></table>"
        '<table class="gk-meta"><tr><th>索引号</th><td>x</td></tr></table>'
    )
    out = mkdocs_hooks.scope_headers(html)
    assert '<th scope="col">年度</th>' in out
    assert '<th scope="colgroup" colspan="2">任务</th>' in out
    assert '<th scope="row">2024年</th>' in out
    assert '<th scope="row">索引号</th>' in out
    assert "<thead>" in out and out.count("scope=") == 4


def test_mkdocs_hooks__identity_column_and_robots(tmp_path):
    (tmp_path / mkdocs_hooks.IDENTITY_FILE).write_text(
        json.dumps({"site_name": "站", "site_url": "https://www.example.gov.cn/zwgk/aqsc/", "site_code": "123"}),
        encoding="utf-8",
    )
    identity = mkdocs_hooks.load_identity(tmp_path)
    assert identity["site_domain"] == "www.example.gov.cn"
    assert mkdocs_hooks.column_of("notices/a/b.md") == "目标责任文件"
    assert mkdocs_hooks.column_of("index.md") == ""
    robots = mkdocs_hooks.robots_txt("https://www.example.gov.cn/zwgk/aqsc/")
    assert "Sitemap: https://www.example.gov.cn/zwgk/aqsc/sitemap.xml" in robots
    assert "Sitemap" not in mkdocs_hooks.robots_txt(None)


def test_build_pages__identity_site_map_and_article_meta():
    snapshot = _snapshot()
    snapshot["identity"] = {"site_name": "测试站", "sponsor": "测试县安委办", "site_code": "3500000001"}
    pages = _pages(snapshot)
    identity = json.loads(pages[mkdocs_hooks.IDENTITY_FILE])
    assert identity["sponsor"] == "测试县安委办" and identity["site_code"] == "3500000001"
    site_map = pages[mkdocs_hooks.SITE_MAP_PAGE]
    for entry in NAV:
        ((label, path),) = entry.items()
        assert f"[{label}]({path})" in site_map
    assert "(years/2024.md)" in site_map and "(topics/fire.md)" in site_map
    front = pages["notices/notice-a.md"].split("---", 2)[1]
    assert 'pubdate: "2024-03-15"' in front and 'source: "测试县人民政府"' in front
    attachment = pages["notices/notice-a/fujian-1.md"].split("---", 2)[1]
    assert 'pubdate: "2024-03-15"' in attachment


def test_render_notice__recipients_end_with_a_colon_and_attachment_note_appears_once():
    from export.render import render_notice

    notice = _notice(1, "a", recipients="各乡镇人民政府，县直有关单位", attachment_note="1．目标责任\n2．目标责任书")
    with_links = render_notice(
        notice, attachment_links=[("附件1：目标责任", "a/1.md"), ("附件2：目标责任书", "a/2.md")]
    )
    assert '<p class="recipients">各乡镇人民政府，县直有关单位：</p>' in with_links
    assert with_links.count("目标责任书") == 1 and with_links.count("附件：") == 1
    assert '<p class="issuer-mark" aria-hidden="true">测试县人民政府文件</p>' in with_links
    typed = render_notice({**notice, "recipients": "各乡镇人民政府："})
    assert '<p class="recipients">各乡镇人民政府：</p>' in typed
    assert "1．目标责任<br>2．目标责任书" in typed


@pytest.mark.parametrize(
    "typed",
    ["各社区居委会:", "各社区居委会：：", "各社区居委会：:", "各社区居委会。", "各社区居委会", " 各社区居委会 ： "],
)
def test_render_notice__recipients_end_with_exactly_one_full_width_colon(typed: str) -> None:
    from export.render import render_notice

    text = render_notice(_notice(1, "a", recipients=typed))
    assert '<p class="recipients">各社区居委会：</p>' in text


def test_render_notice__a_line_spelling_out_a_recipient_group_goes_to_the_colophon() -> None:
    """The importer keeps "市有关单位：组织部……" (printed above 抄送) under the 主送 line (seed 000)."""
    from export.render import render_notice

    recipients = "各镇人民政府，市有关单位\n市有关单位：组织部、宣传部。"
    text = render_notice(_notice(1, "a", recipients=recipients, copied_to="泉州市政府办"))
    assert '<p class="recipients">各镇人民政府，市有关单位：</p>' in text
    detail = '<p class="recipients-detail">市有关单位：组织部、宣传部。</p>'
    assert detail in text.split('<div class="colophon">', 1)[1]
    assert text.index(detail) < text.index('<p class="copied-to">')


def test_render_notice__a_note_that_says_more_than_the_attachment_titles_is_kept():
    from export.render import render_notice

    notice = _notice(1, "a", attachment_note="1．目标责任（另附纸质材料）")
    text = render_notice(notice, attachment_links=[("附件1：目标责任", "a/1.md")])
    assert "目标责任（另附纸质材料）" in text and "[附件1：目标责任](a/1.md)" in text


def test_mkdocs_hooks__search_body_is_the_article_with_title_and_notice_metadata():
    page = '<div><article class="md-content__inner md-typeset">\n<h1>附件1</h1></article></div>'
    out = mkdocs_hooks.search_body(page, "附件1：目标&amp;责任", "关于&quot;消防&quot;的通知")
    assert '<article class="md-content__inner md-typeset" data-pagefind-body><span hidden' in out
    assert 'data-pagefind-meta="title[data-value]" data-value="附件1：目标&amp;责任"' in out
    assert 'data-pagefind-meta="notice[data-value]" data-value="关于&quot;消防&quot;的通知"' in out
    assert "notice[" not in mkdocs_hooks.search_body(page, "通知", None)
