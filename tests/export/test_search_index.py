"""The two Pagefind bundles (export/search_index.py), on a few hand-written pages.

Real Pagefind (a second per run): which page lands in which bundle, the
stand-in script when there are no letters, and reuse by hard link.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from export.search_index import (
    BUNDLE_DIR,
    EMPTY_BUNDLE_SCRIPT,
    LETTERS_DIR,
    SearchPlan,
    build_search_index,
    bundle_keys,
)

PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><nav>导航不计入</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></body></html>"
)
NOTICE, LETTER, UNIT = "notices/a.html", "notices/a/letters/town.html", "units/town.html"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "work" / "site"
    for path, title, text in (
        (NOTICE, "关于消防车通道治理的通知", "打通消防车通道，整治占用堵塞。"),
        (LETTER, "东石镇目标责任书", "东石镇承诺完成责任书专有条款。"),
        (UNIT, "东石镇", "东石镇涉及的任务。"),
        ("index.html", "首页", "首页不在索引里。"),
    ):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(PAGE.format(title=title, text=text), encoding="utf-8")
    return site


def _urls(bundle: Path) -> set[str]:
    urls = set()
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes()).decode("utf-8")
        urls.add(json.loads(data[data.index("{") :])["url"].lstrip("/"))
    return urls


def test_build_search_index__letters_go_to_their_own_bundle(tmp_path):
    site = _site(tmp_path)
    stats = build_search_index(site, SearchPlan(frozenset({LETTER})))
    assert _urls(site / BUNDLE_DIR) == {NOTICE, UNIT}
    assert _urls(site / LETTERS_DIR) == {LETTER}
    assert stats.bundles == {BUNDLE_DIR: 2, LETTERS_DIR: 1} and stats.pages == 3 and stats.rechunked
    assert not list(site.parent.glob(".search-*")), "the folders of links Pagefind read are removed"


def test_build_search_index__no_letters_gives_a_stand_in_that_finds_nothing(tmp_path):
    site = _site(tmp_path)
    stats = build_search_index(site, SearchPlan())
    assert _urls(site / BUNDLE_DIR) == {NOTICE, LETTER, UNIT}
    assert (site / LETTERS_DIR / "pagefind.js").read_text(encoding="utf-8") == EMPTY_BUNDLE_SCRIPT
    assert [p.name for p in (site / LETTERS_DIR).iterdir()] == ["pagefind.js"]
    assert stats.bundles[LETTERS_DIR] == 0


def test_build_search_index__a_reused_bundle_is_linked_from_the_live_site(tmp_path):
    live = _site(tmp_path / "live")
    build_search_index(live, SearchPlan(frozenset({LETTER})))
    (live / LETTERS_DIR / "pagefind.js.gz").write_bytes(gzip.compress(b"x"))  # as the finishing pass leaves it
    site = _site(tmp_path)
    stats = build_search_index(site, SearchPlan(frozenset({LETTER}), previous=live, reuse=frozenset({LETTERS_DIR})))
    assert stats.reused == [LETTERS_DIR]
    for path in (live / LETTERS_DIR).rglob("*"):
        if path.is_file():
            assert (site / LETTERS_DIR / path.relative_to(live / LETTERS_DIR)).stat().st_ino == path.stat().st_ino
    assert (site / BUNDLE_DIR / "pagefind.js").stat().st_ino != (live / BUNDLE_DIR / "pagefind.js").stat().st_ino


def test_build_search_index__reuse_without_a_live_bundle_indexes(tmp_path):
    site = _site(tmp_path)
    stats = build_search_index(
        site, SearchPlan(frozenset({LETTER}), previous=tmp_path / "nothing", reuse=frozenset({LETTERS_DIR}))
    )
    assert stats.reused == [] and _urls(site / LETTERS_DIR) == {LETTER}


@pytest.mark.parametrize(
    ("change", "moved"),
    [
        ({"notices/a.md": "new"}, {BUNDLE_DIR}),
        ({"notices/a/letters/town.md": "new"}, {LETTERS_DIR}),
        ({"units/town.md": "new"}, {BUNDLE_DIR}),
        ({"years/2024.md": "new"}, set()),  # not a searched folder
        ({"notices/a/letters/other.md": "new"}, {LETTERS_DIR}),  # a new letter
    ],
)
def test_bundle_keys__change_with_their_own_pages_only(change, moved):
    pages = {"notices/a.md": "1", "notices/a/letters/town.md": "2", "units/town.md": "3", "years/2024.md": "4"}
    letters = {"notices/a/letters/town.md", "notices/a/letters/other.md"}
    before = bundle_keys(pages, letters)
    after = bundle_keys({**pages, **change}, letters)
    assert {name for name in before if before[name] != after[name]} == moved


def test_bundle_keys__a_letter_gone_changes_the_letter_key():
    pages = {"notices/a.md": "1", "notices/a/letters/town.md": "2"}
    before = bundle_keys(pages, {"notices/a/letters/town.md"})
    after = bundle_keys({"notices/a.md": "1"}, set())
    assert before[LETTERS_DIR] != after[LETTERS_DIR] and before[BUNDLE_DIR] == after[BUNDLE_DIR]
