"""Admin screens that were broken in the browser: export progress, template switch, import reports.

Each is driven in Chromium under the real Content-Security-Policy; a
violation on any page opened here fails the test.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cms.importer.models import ImportReport
from cms.publishing.models import ExportRun, ExportStatus
from tests.browser.conftest import admin_login, js_errors
from tests.factories import UnitFactory, make_attachment, make_letter, make_notice, paragraph

pytestmark = pytest.mark.browser


def test_export_progress__updates_live_when_the_run_finishes(
    live_server, page: Page, violations: list[str], admin_credentials, live_db_lock
):
    base = live_server.url
    with live_db_lock:
        run = ExportRun.objects.create(status=ExportStatus.QUEUED)
    admin_login(page, base, *admin_credentials)
    page.goto(f"{base}/admin/publishing/{run.pk}/")
    status = page.locator('#export-run [data-field="status_label"]')
    expect(status).to_have_text("排队中")

    with live_db_lock:
        ExportRun.objects.filter(pk=run.pk).update(
            status=ExportStatus.SUCCEEDED,
            started_at=timezone.now(),
            finished_at=timezone.now(),
            pages=12,
            message="导出完成",
        )
    # The page polls every 2 s; no reload.
    expect(status).to_have_text("成功", timeout=8_000)
    expect(page.locator('#export-run [data-field="pages"]')).to_have_text("12")
    expect(page.locator('#export-run [data-field="message"]')).to_have_text("导出完成")
    assert violations == [], "\n".join(violations)
    assert js_errors(page) == []


def test_compare_letters__template_switch_submits_under_the_csp(
    live_server, page: Page, violations: list[str], admin_credentials, site_index, live_db_lock
):
    base = live_server.url
    with live_db_lock:
        town_a, town_b, town_c = UnitFactory(name="甲镇"), UnitFactory(name="乙镇"), UnitFactory(name="丙镇")
        attachment = make_attachment(make_notice(site_index))
        letter = make_letter(attachment, town_a, body=[paragraph("（一）甲镇条款")])
        make_letter(attachment, town_b, title="乙镇模板", body=[paragraph("（一）乙镇条款")])
        third = make_letter(attachment, town_c, title="丙镇模板", body=[paragraph("（一）丙镇条款")])
    admin_login(page, base, *admin_credentials)
    page.goto(f"{base}/admin/letters/compare/{letter.pk}/")
    expect(page.get_by_role("link", name="乙镇模板")).to_be_visible()

    page.locator("select#id_template").select_option(str(third.pk))
    page.wait_for_url(re.compile(rf"template={third.pk}"))
    expect(page.get_by_role("link", name="丙镇模板")).to_be_visible()
    expect(page.locator("select#id_template")).to_have_value(str(third.pk))
    assert violations == [], "\n".join(violations)
    assert js_errors(page) == []


def test_import_report_list__opens_the_readable_report(
    live_server, page: Page, violations: list[str], admin_credentials, live_db_lock
):
    base = live_server.url
    with live_db_lock:
        report = ImportReport.objects.create(source_name="001_测试通知.docx", coverage=0.98, text="识别结果")
    admin_login(page, base, *admin_credentials)
    page.goto(f"{base}/admin/snippets/importer/importreport/")
    page.get_by_role("link", name="001_测试通知.docx").first.click()
    page.wait_for_url(re.compile(rf"/admin/import/reports/{report.pk}/$"))
    assert violations == [], "\n".join(violations)
