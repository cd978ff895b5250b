"""An editor cleans the registry in Chromium: two spellings of one unit are selected in the
责任单位 listing, merged, and the exported public site has one page listing both units' items."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from cms.units.models import Unit, UnitAlias
from tests.browser.conftest import admin_login, js_errors
from tests.factories import UnitFactory, make_attachment, make_notice, task_list

pytestmark = pytest.mark.browser


def test_unit_merge__listing_selection_merge_then_one_public_page(
    live_server, page: Page, site_index, admin_credentials, live_db_lock, tmp_path: Path
):
    base = live_server.url
    with live_db_lock:
        keep = UnitFactory(name="区消防救援大队")
        gone = UnitFactory(name="消防大队")
        notice = make_notice(site_index, title="2024年度消防工作目标责任")
        rows = [
            {"task": "区大队开展夜查行动", "units": [(keep, "lead")]},
            {"task": "大队培训微型消防站队员", "units": [(gone, "lead")]},
        ]
        make_attachment(notice, title="重点项目清单", body=[task_list(rows)])
        keep_slug, gone_slug = keep.slug, gone.slug
    assert keep_slug != gone_slug

    admin_login(page, base, *admin_credentials)
    page.goto(f"{base}/admin/snippets/units/unit/")
    for unit in (keep, gone):
        page.locator(f"input[data-bulk-action-checkbox][data-object-id='{unit.pk}']").check()
    page.get_by_role("button", name="合并").or_(page.get_by_role("link", name="合并")).first.click()

    expect(page.locator("#merge-preview")).to_be_visible()
    page.locator(f"#keep-{keep.pk}").check()
    page.get_by_role("button", name="确认合并").click()
    expect(page.get_by_text("已合并")).to_be_visible()
    assert f"/admin/snippets/units/unit/edit/{keep.pk}/" in page.url
    assert js_errors(page) == []

    with live_db_lock:
        assert not Unit.objects.filter(pk=gone.pk).exists()
        assert UnitAlias.objects.filter(unit=keep, name="消防大队").exists()
        log = io.StringIO()
        call_command("export_site", "--out", str(tmp_path / "site"), "--src", str(tmp_path / "src"), stdout=log)
    assert "完成：" in log.getvalue(), log.getvalue()

    units_dir = tmp_path / "site" / "units"
    kept_pages = [p for p in units_dir.rglob("*.html") if keep_slug in p.as_posix()]
    assert kept_pages, sorted(p.name for p in units_dir.iterdir())
    html = kept_pages[0].read_text(encoding="utf-8")
    assert "区大队开展夜查行动" in html and "大队培训微型消防站队员" in html
    assert not [p for p in units_dir.rglob("*") if gone_slug in p.relative_to(units_dir).as_posix()]
    index = (units_dir / "index.html").read_text(encoding="utf-8")
    assert "区消防救援大队" in index and ">消防大队<" not in index
