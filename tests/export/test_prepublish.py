"""The pre-publish check: a built site with a broken link, an undated item or blank metadata is not swapped in."""

from __future__ import annotations

from pathlib import Path

import pytest

from export.build import ExportError, export_site, run_mkdocs
from export.prepublish import LinkCache, check_site, page_links
from export.snapshot import take_snapshot
from tests.export.sitecheck import tree_digest
from tests.factories import make_notice

ARTICLE = '<article class="md-content__inner md-typeset">{}</article>'


def _write(site: Path, path: str, body: str) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<html><body>{ARTICLE.format(body)}</body></html>", encoding="utf-8")


def _meta(**values: str) -> str:
    rows = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in values.items())
    return f'<table class="gk-meta">{rows}</table>'


@pytest.fixture
def good_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    _write(site, "index.html", '<ul><li><a href="notices/a.html">通知</a> 2022年11月23日</li></ul>')
    _write(site, "notices/a.html", _meta(索引号="X-2022-00001", 发文机关="晋江市人民政府", 成文日期="未署"))
    _write(site, "years/2022.html", '<ul><li><a href="../notices/a.html">通知</a> 2022年11月23日</li></ul>')
    _write(site, "404.html", '<a href="/zwgk/aqsc/index.html">首页</a>')
    return site


def test_page_links__shared_cache_resolves_each_page_from_its_own_folder():
    text = (
        '<a href="../units/a.html">甲</a> <a href="https://example.cn/">外</a>'
        ' <img src="%E5%9B%BE.png"> <a href="#top">顶</a>'
    )
    parsed: LinkCache = {}
    deep = page_links("notices/n1/letter.html", text, parsed)
    shallow = page_links("notices/n1.html", text, parsed)
    assert deep == page_links("notices/n1/letter.html", text)
    assert shallow == page_links("notices/n1.html", text)
    assert deep == [("%E5%9B%BE.png", "notices/n1/图.png"), ("../units/a.html", "notices/units/a.html")]
    assert shallow == [("%E5%9B%BE.png", "notices/图.png"), ("../units/a.html", "units/a.html")]


def test_check_site__a_sound_site_passes(good_site: Path):
    assert check_site(good_site) == []


def test_check_site__broken_link_names_the_page_and_the_link(good_site: Path):
    _write(
        good_site, "notices/b.html", _meta(索引号="1", 发文机关="x", 成文日期="2022年1月1日") + '<a href="c.html">c</a>'
    )
    assert check_site(good_site) == ["notices/b.html：链接 c.html 指向不存在的文件"]


def test_check_site__unit_calendar_link_accepted_when_its_file_is_there(good_site: Path):
    _write(good_site, "units/a.html", '<p><a href="../downloads/unit-a.ics" download="甲镇任务日历.ics">订阅</a></p>')
    assert check_site(good_site) == ["units/a.html：链接 ../downloads/unit-a.ics 指向不存在的文件"]
    (good_site / "downloads").mkdir()
    (good_site / "downloads" / "unit-a.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert check_site(good_site) == []


def test_check_site__undated_item_blank_metadata_and_empty_index(good_site: Path):
    _write(good_site, "years/2021.html", "<p>暂无公开文件。</p>")
    _write(good_site, "issuers/x.html", '<ul><li><a href="../notices/a.html">通知</a></li></ul>')
    _write(good_site, "notices/c.html", _meta(索引号="1", 发文机关="", 成文日期="2022年1月1日"))
    assert check_site(good_site) == [
        "issuers/x.html：列表项“通知”没有日期",
        "notices/c.html：发文机关为空（没有时应写明“未署”）",
        "years/2021.html：索引页没有列出任何公文",
    ]


@pytest.mark.slow
@pytest.mark.django_db
def test_export_site__failed_check_keeps_the_previous_site_and_names_the_page(notice_index, tmp_path):
    make_notice(notice_index, title="发布前检查通知")
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=take_snapshot())
    before = tree_digest(out)

    def broken_build(config_path, site_dir, env):
        result = run_mkdocs(config_path, site_dir, env)
        (site_dir / "topics" / "index.html").unlink()  # every page's nav links here
        return result

    with pytest.raises(ExportError) as error:
        export_site(out, src, snapshot=take_snapshot(), runner=broken_build)
    message = str(error.value)
    assert "发布前检查未通过" in message and "保持不变" in message
    assert "index.html：链接 topics/index.html 指向不存在的文件" in message
    assert tree_digest(out) == before
