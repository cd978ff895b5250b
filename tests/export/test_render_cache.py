"""The render cache never serves stale content: after each kind of change, cached = rendered anew.

Each test renders a small corpus with a cache, saves and reloads the cache
the way an export does (export/render_cache.py), changes the content in the
database, and renders again twice: with the reloaded cache and without any.
Pages and ledger rows must be identical, the change must be visible, and
the cache must really have served the notices the change did not touch
(else the comparison proves nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from wagtail.models import Page
from wagtail.models import Site as WagtailSite

from cms.documents.models import Disclosure
from cms.publishing.identity import SiteIdentity
from cms.units.models import Unit
from export.docs_tree import render_docs
from export.downloads import ledgers
from export.pages import build_pages
from export.render_cache import RenderCache, Stored, cache_path, load_cache, save_cache
from export.site import Site
from export.snapshot import take_snapshot
from tests.factories import UnitFactory, make_attachment, make_letter, make_notice, paragraph, task_list

pytestmark = pytest.mark.django_db

FINGERPRINT = "test-fingerprint"


def _corpus(index) -> dict[str, Any]:
    town, office = UnitFactory(name="缓存测试东石镇"), UnitFactory(name="缓存测试应急管理局")
    notices = []
    for n in range(3):
        notice = make_notice(index, title=f"缓存测试通知{n}", year=2024 - n, body=[paragraph(f"第{n}份通知正文。")])
        deadline = "持续推进" if n == 2 else "2025年底前"  # an ongoing item: checked on at the set cadence
        rows = [{"task": f"缓存任务{n}", "deadline": deadline, "units": [(town, "lead"), (office, "support")]}]
        letters = make_attachment(notice, title="目标责任书", number=2, slug=f"letters-{n}")
        make_attachment(notice, title="重点项目清单", number=1, body=[task_list(rows)])
        make_letter(letters, town, title=f"东石镇目标责任书{n}", body=[paragraph("责任书正文。")])
        notices.append(notice)
    return {"town": town, "office": office, "notices": notices}


def _render(stored: Stored | None) -> tuple[dict[str, str], list[Any], RenderCache]:
    snapshot = take_snapshot()
    cache = RenderCache.start(snapshot, FINGERPRINT, stored)  # as export_site does
    site = Site.from_snapshot(snapshot, made=cache.assignments)
    cache.bind(site)
    items = ledgers(site, cache)
    pages = build_pages(snapshot, site=site, ledger_items=items, cache=cache)
    rows = [(item.name, item.title, item.file_label, item.tasks, item.calendar) for item in items]
    return {page.path: page.text for page in pages}, rows, cache


def _cached_then_fresh(tmp_path: Path, change) -> tuple[dict[str, str], RenderCache]:
    """Render with a cache, change the content, render with the reloaded cache and without; compare."""
    out = tmp_path / "site"
    out.mkdir(exist_ok=True)
    _, _, first = _render(None)
    save_cache(out, first)
    assert cache_path(out).is_file() and not (out / cache_path(out).name).exists(), "beside the site, not in it"
    change()
    cached_pages, cached_rows, cache = _render(load_cache(out))
    fresh_pages, fresh_rows, _ = _render(None)
    assert cached_pages == fresh_pages
    assert cached_rows == fresh_rows
    return cached_pages, cache


def _everything(pages: dict[str, str]) -> str:
    return "\n".join(pages.values())


def test_render_cache__an_unchanged_site_is_served_whole_from_the_cache(notice_index, tmp_path):
    _corpus(notice_index)
    pages, cache = _cached_then_fresh(tmp_path, lambda: None)
    assert cache.misses == 0 and cache.hits == 3
    assert cache.section_misses == 0 and cache.assignment_misses == 0
    assert "缓存任务0" in _everything(pages)


def test_render_cache__an_edited_notice_is_rendered_anew_and_only_it(notice_index, tmp_path):
    corpus = _corpus(notice_index)
    notice = corpus["notices"][1]

    def change() -> None:
        notice.body = [*notice.body.raw_data, paragraph("缓存后追加的段落。")]
        notice.save_revision().publish()

    pages, cache = _cached_then_fresh(tmp_path, change)
    assert "缓存后追加的段落。" in _everything(pages)
    assert cache.misses == 1 and cache.hits == 2 and cache.assignment_misses == 1
    assert cache.section_misses == 0, "a paragraph names no unit: the unit sections stay cached"


def test_render_cache__a_renamed_unit_shows_on_every_page_and_ledger_that_names_it(notice_index, tmp_path):
    corpus = _corpus(notice_index)
    Unit.objects.filter(pk=corpus["office"].pk).update(name="缓存测试改名后的局")
    pages, cache = _cached_then_fresh(tmp_path, lambda: None)  # changed before the first render: baseline
    assert "缓存测试改名后的局" in _everything(pages)

    def rename() -> None:
        Unit.objects.filter(pk=corpus["office"].pk).update(name="缓存测试再次改名的局")

    pages, cache = _cached_then_fresh(tmp_path, rename)
    assert "缓存测试再次改名的局" in _everything(pages)
    assert "缓存测试改名后的局" not in _everything(pages)
    assert cache.misses == 3, "every notice naming the unit is made anew"


@pytest.mark.parametrize("how", ["unpublish", "not_public", "section_unpublished"])
def test_render_cache__a_notice_that_stops_being_public_leaves_every_page(notice_index, tmp_path, how):
    corpus = _corpus(notice_index)
    notice = corpus["notices"][0]

    def change() -> None:
        if how == "unpublish":
            notice.unpublish()
        elif how == "not_public":
            notice.disclosure = Disclosure.ON_REQUEST  # 主动公开 → 依申请公开
            notice.save_revision().publish()
        else:
            Page.objects.filter(pk=notice_index.pk).update(live=False)

    pages, cache = _cached_then_fresh(tmp_path, change)
    assert "缓存测试通知0" not in _everything(pages)
    assert "缓存任务0" not in _everything(pages)
    if how != "section_unpublished":
        assert cache.hits == 2


def test_render_cache__changed_site_settings_show_up(notice_index, tmp_path):
    _corpus(notice_index)

    def change() -> None:
        site = WagtailSite.objects.get(is_default_site=True)
        SiteIdentity.objects.update_or_create(
            site=site, defaults={"sponsor": "缓存测试主办单位", "site_url": "https://cache-test.example.gov.cn/"}
        )

    pages, _ = _cached_then_fresh(tmp_path, change)
    assert "缓存测试主办单位" in _everything(pages)
    # The ongoing-item cadence is a Django setting the ledger rows are scheduled with.
    out = tmp_path / "site"
    _, quarterly, before = _render(load_cache(out))
    save_cache(out, before)
    with override_settings(LEDGER_ONGOING_CADENCE="每月"):
        _, rows, cache = _render(load_cache(out))
        _, fresh, _ = _render(None)
    assert rows == fresh and cache.hits == 0
    assert rows != quarterly, "the monthly check-ins must show in the rows"


def test_render_cache__an_unreadable_file_is_an_empty_cache(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    cache_path(out).write_bytes(b"not a pickle")
    assert load_cache(out) == Stored()


def test_render_docs__with_a_cache_writes_the_same_docs_as_without(notice_index, tmp_path):
    _corpus(notice_index)
    snapshot = take_snapshot()
    site = Site.from_snapshot(snapshot)
    warm = RenderCache.for_site(site, FINGERPRINT)
    ledgers(site, warm)
    build_pages(snapshot, site=site, cache=warm)
    cache = RenderCache.for_site(site, FINGERPRINT, warm.new)
    with_cache = render_docs(snapshot, tmp_path / "a", site=site, items=ledgers(site, cache), cache=cache)
    without = render_docs(snapshot, tmp_path / "b")
    assert cache.hits == 3 and with_cache.digests == without.digests


def test_render_cache__a_retitled_notice_shows_its_new_title_on_the_unit_pages(notice_index, tmp_path):
    notice = _corpus(notice_index)["notices"][0]

    def change() -> None:
        notice.title = "缓存测试改过标题的通知"
        notice.save_revision().publish()

    pages, cache = _cached_then_fresh(tmp_path, change)
    units = "\n".join(text for path, text in pages.items() if path.startswith("units/"))
    assert "《缓存测试改过标题的通知》" in units
    assert cache.section_misses > 0 and cache.hits == 2


def test_render_docs__links_unchanged_markdown_from_the_previous_render_and_writes_the_rest(notice_index, tmp_path):
    notice = _corpus(notice_index)["notices"][0]
    src = tmp_path / "src"
    first = render_docs(take_snapshot(), src)
    inodes = {path: (first.docs_dir / path).stat().st_ino for path in first.digests}
    notice.body = [*notice.body.raw_data, paragraph("第二次渲染追加。")]
    notice.save_revision().publish()
    second = render_docs(take_snapshot(), src)
    changed = {path for path, value in second.digests.items() if first.digests.get(path) != value}
    assert changed and "第二次渲染追加。" in "".join((second.docs_dir / p).read_text(encoding="utf-8") for p in changed)
    for path in second.digests:
        same_inode = (second.docs_dir / path).stat().st_ino == inodes.get(path)
        assert same_inode == (path not in changed), path


def test_render_cache__a_task_moved_to_another_unit_moves_between_unit_pages(notice_index, tmp_path):
    corpus = _corpus(notice_index)
    other = UnitFactory(name="缓存测试新责任单位")
    attachment = corpus["notices"][1].get_children().specific().get(title="重点项目清单")

    def change() -> None:
        rows = [{"task": "缓存任务1", "deadline": "2025年底前", "units": [(other, "lead")]}]
        attachment.body = [task_list(rows)]
        attachment.save_revision().publish()

    pages, cache = _cached_then_fresh(tmp_path, change)
    new_unit = next(text for path, text in pages.items() if path.startswith("units/") and "缓存测试新责任单位" in text)
    assert "缓存任务1" in new_unit
    assert cache.assignment_misses == 1


def test_export_site__a_cache_that_cannot_be_saved_does_not_fail_the_export(notice_index, tmp_path):
    from export.build import export_site

    _corpus(notice_index)
    out, src = tmp_path / "site", tmp_path / "src"
    cache_path(out).mkdir(parents=True)  # a directory where the file goes: saving fails with an OSError
    said: list[str] = []
    result = export_site(out, src, progress=said.append)
    assert (out / "index.html").is_file() and not result.incremental
    assert any("渲染缓存未能保存" in line for line in said)


def test_render_cache__a_retitled_task_shows_on_its_units_pages_and_only_its_sections_are_made_anew(
    notice_index, tmp_path
):
    corpus = _corpus(notice_index)
    attachment = corpus["notices"][1].get_children().specific().get(title="重点项目清单")

    def change() -> None:
        units = [(corpus["town"], "lead"), (corpus["office"], "support")]
        rows = [{"task": "缓存后改写的任务", "deadline": "2025年底前", "units": units}]
        attachment.body = [task_list(rows)]
        attachment.save_revision().publish()

    pages, cache = _cached_then_fresh(tmp_path, change)
    units = "\n".join(text for path, text in pages.items() if path.startswith("units/"))
    assert "缓存后改写的任务" in units and "缓存任务1" not in units
    # The section of the year with the task (notice 1 is of 2023) for each of its two units; no other.
    assert cache.section_misses == 2 and cache.hits == 2
