"""An editor uploads portal copies and seeds in the admin, as drafts, and reads the report (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import admin_login, shoot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT / "tests" / "importer" / "portal" / "two_pairs_per_line.txt",
    ROOT / "tests" / "importer" / "portal" / "no_title.txt",
    *sorted((ROOT / "content" / "seeds").glob("00[12]_*.txt")),
]


def test_admin_upload__portal_copies_and_seeds_import_as_drafts_with_a_readable_report(
    page: Page, live_server, admin_credentials, site_index
):
    from cms.documents.models import NoticePage

    base = live_server.url
    admin_login(page, base, *admin_credentials)
    for index, path in enumerate(FILES):
        page.goto(f"{base}{reverse('importer:upload')}")
        page.locator("input[name=file]").set_input_files(str(path))
        if index == 0:
            page.locator("input[name=year]").fill("2023")
        page.get_by_role("button", name="导入").click()
        page.wait_for_url(re.compile(r"/admin/import/reports/\d+/"))
        expect(page.locator("dl.import-summary")).to_contain_text("识别到的文件头")
        if index == 0:
            expect(page.locator("dl.import-summary")).to_contain_text("去除的网页内容")
            shoot(page, "import-portal-report")
    assert NoticePage.objects.count() == len(FILES)
    assert not NoticePage.objects.filter(live=True).exists()
    page.goto(f"{base}{reverse('wagtailsnippets_importer_importreport:list')}")
    page.locator("a[href*='/admin/import/reports/']").first.click()
    expect(page.locator("h2#import-summary")).to_be_visible()
    shoot(page, "import-report-from-list")
