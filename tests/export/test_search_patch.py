"""Patching a live Pagefind bundle with the pages built now (export/search_patch.py).

Real Pagefind on a few hand-written pages.  Each test builds a live site's
bundles in full, changes some pages, and checks that the patched bundles
have exactly the bytes of a full index of the changed site (and, where the
patch must not be used, that it is not and the bytes are still right).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from export.search_chunks import packed_words, read_words
from export.search_index import BUNDLE_DIR, BUNDLES, LETTERS_DIR, SearchPlan, build_search_index
from export.search_patch import KEYS_PAGE, keys_page, page_url, read_bundle, walk_order

PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><nav>导航不计入</nav><article data-pagefind-body>"
    '<span hidden data-pagefind-meta="title[data-value]" data-value="{title}"></span>{notice}'
    "<h1>{title}</h1><p>{text}</p></article></body></html>"
)
NOTICE_MARK = '<span hidden data-pagefind-meta="notice[data-value]" data-value="关于消防车通道治理的通知"></span>'
LISTING = '<!doctype html><html lang="zh-CN"><body><h1>责任单位</h1><p>列表页不进索引。</p></body></html>'
LETTER = "notices/a/letters/town.html"
PAGES = {
    "notices/a.html": ("关于消防车通道治理的通知", "打通消防车通道，整治占用堵塞。", False),
    "notices/a/fujian-1.html": ("目标责任", "完成市政消火栓建设任务。", True),
    "notices/b.html": ("关于微型消防站建设的通知", "建设微型消防站，开展隐患排查治理。", False),
    LETTER: ("东石镇目标责任书", "东石镇承诺完成责任书专有条款。", True),
    "units/town.html": ("东石镇", "东石镇涉及的任务。", False),
    "units/town/2024.html": ("东石镇 2024年", "二〇二四年的任务。", False),
    "units/dept.html": ("应急管理局", "应急管理局涉及的任务。", False),
}


def page(title: str, text: str, below_notice: bool = False) -> str:
    return PAGE.format(title=title, text=text, notice=NOTICE_MARK if below_notice else "")


def _write(site: Path, path: str, html: str) -> None:
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_text(html, encoding="utf-8")


def _live(tmp_path: Path) -> Path:
    live = tmp_path / "live" / "site"
    for path, (title, text, below) in PAGES.items():
        _write(live, path, page(title, text, below))
    _write(live, "units/index.html", LISTING)
    build_search_index(live, SearchPlan(frozenset({LETTER})))
    return live


def _changed(live: Path, tmp_path: Path, name: str) -> Path:
    """A new site: the live site's pages without its bundles (as the exporter links them)."""
    site = tmp_path / name / "site"
    shutil.copytree(live, site, ignore=shutil.ignore_patterns(*BUNDLES))
    return site


def _pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def _patched_and_full(live: Path, site: Path, built: set[str], tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Index ``site`` patched from ``live`` and a copy in full; (site, copy, bundles patched).

    ``built``: the pages not linked from the live site.
    """
    reference = _changed(site, tmp_path, "reference")
    linked = frozenset(_pages(site) - built)
    stats = build_search_index(site, SearchPlan(frozenset({LETTER}), previous=live, linked=linked))
    build_search_index(reference, SearchPlan(frozenset({LETTER})))
    return site, reference, stats.patched


def _assert_same_bundles(site: Path, reference: Path) -> None:
    for bundle in BUNDLES:
        assert _tree(site / bundle) == _tree(reference / bundle), bundle


def _urls(bundle: Path) -> set[str]:
    urls = set()
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes()).decode("utf-8")
        urls.add(json.loads(data[data.index("{") :])["url"])
    return urls


def test_patch_bundle__edited_page_gives_the_bytes_of_a_full_index(tmp_path):
    live = _live(tmp_path)
    site = _changed(live, tmp_path, "new")
    _write(site, "notices/b.html", page("关于微型消防站建设的通知", "建设微型消防站，新增巡查值守要求。"))
    site, reference, patched = _patched_and_full(live, site, {"notices/b.html"}, tmp_path)
    assert patched == [BUNDLE_DIR, LETTERS_DIR]  # the letters' bundle: nothing built, kept as it was
    _assert_same_bundles(site, reference)
    texts = b"".join(gzip.decompress(path.read_bytes()) for path in (site / BUNDLE_DIR / "fragment").iterdir())
    assert "巡查".encode() in texts  # the fragment's text is cut into words (zero-width spaces between)


def test_patch_bundle__unchanged_fragments_are_links_to_the_live_bundle(tmp_path):
    live = _live(tmp_path)
    site = _changed(live, tmp_path, "new")
    _write(site, "units/dept.html", page("应急管理局", "应急管理局涉及的任务，另有新增。"))
    _patched_and_full(live, site, {"units/dept.html"}, tmp_path)
    live_inodes = {path.stat().st_ino for path in (live / BUNDLE_DIR / "fragment").iterdir()}
    new_inodes = [path.stat().st_ino for path in (site / BUNDLE_DIR / "fragment").iterdir()]
    assert sum(inode in live_inodes for inode in new_inodes) == len(new_inodes) - 1  # all but the edited page's


def test_patch_bundle__new_and_removed_pages(tmp_path):
    live = _live(tmp_path)
    site = _changed(live, tmp_path, "new")
    (site / "notices/a/fujian-1.html").unlink()
    _write(site, "notices/c.html", page("关于危险化学品安全整治的通知", "危险化学品企业全面完成自查。"))
    _write(site, "notices/c/fujian-1.html", page("重点项目清单", "危险化学品储存场所整治。", True))
    _write(site, "units/town/2025.html", page("东石镇 2025年", "二〇二五年的任务。"))
    built = {"notices/c.html", "notices/c/fujian-1.html", "units/town/2025.html"}
    site, reference, patched = _patched_and_full(live, site, built, tmp_path)
    assert BUNDLE_DIR in patched
    _assert_same_bundles(site, reference)
    assert "/notices/a/fujian-1.html" not in _urls(site / BUNDLE_DIR)
    assert "/notices/c/fujian-1.html" in _urls(site / BUNDLE_DIR)


def test_patch_bundle__letter_bundle_when_only_a_letter_changed(tmp_path):
    live = _live(tmp_path)
    site = _changed(live, tmp_path, "new")
    _write(site, LETTER, page("东石镇目标责任书", "东石镇承诺完成责任书修订条款。", True))
    site, reference, patched = _patched_and_full(live, site, {LETTER}, tmp_path)
    assert LETTERS_DIR in patched
    _assert_same_bundles(site, reference)


def test_patch_bundle__page_losing_its_search_body_leaves_the_index(tmp_path):
    live = _live(tmp_path)
    site = _changed(live, tmp_path, "new")
    _write(site, "units/dept.html", LISTING)
    site, reference, patched = _patched_and_full(live, site, {"units/dept.html"}, tmp_path)
    assert patched
    _assert_same_bundles(site, reference)
    assert "/units/dept.html" not in _urls(site / BUNDLE_DIR)


def _key_gone(live: Path, site: Path) -> set[str]:
    # The only page of the main bundle with a "notice" key goes: the key list changes, and words'
    # match lists number the keys, so the live entries would not fit.
    (site / "notices/a/fujian-1.html").unlink()
    return set()


def _escaped_path(live: Path, site: Path) -> set[str]:
    _write(site, "units/东石镇.html", page("东石镇", "另一个页面。"))  # Pagefind escapes it in the URL
    return {"units/东石镇.html"}


def _no_live_bundle(live: Path, site: Path) -> set[str]:
    shutil.rmtree(live / BUNDLE_DIR)
    _write(site, "notices/b.html", page("关于微型消防站建设的通知", "另一段文字。"))
    return {"notices/b.html"}


@pytest.mark.parametrize("change", [_key_gone, _escaped_path, _no_live_bundle], ids=lambda change: change.__name__)
def test_patch_bundle__what_it_cannot_reproduce_is_indexed_in_full(tmp_path, change):
    live = _live(tmp_path)
    site = _changed(live, tmp_path, "new")
    built = change(live, site)
    site, reference, patched = _patched_and_full(live, site, built, tmp_path)
    assert BUNDLE_DIR not in patched
    _assert_same_bundles(site, reference)


def test_walk_order__is_the_order_pagefind_numbers_pages(tmp_path):
    live = _live(tmp_path)
    indexed = [page.url for page in read_bundle(live / BUNDLE_DIR).pages]
    walked = [page_url(path) for path in walk_order(live) if page_url(path) in set(indexed)]
    assert walked == indexed


def test_keys_page__carries_each_key_once():
    html = keys_page(["notice", "title"])
    assert html.count("data-pagefind-meta=") == 2 and "data-pagefind-body" in html
    assert KEYS_PAGE.endswith(".html")


def test_packed_words__rewrites_a_live_chunk_byte_for_byte(tmp_path):
    # What lets the patch link an unchanged chunk instead of compressing it: the live chunk is
    # exactly what packed_words gives for its words.
    live = _live(tmp_path)
    for path in (live / BUNDLE_DIR / "index").iterdir():
        assert packed_words(read_words(path)) == path.read_bytes()
