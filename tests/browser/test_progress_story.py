"""The yearly loop in the admin, in Chromium: a town's editor records progress with an
evidence file from the ledger row, the office closes the item, the clock passes another
item's date, and both show on the town's dashboard."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from PIL import Image as PILImage
from playwright.sync_api import Browser, Page, expect

from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.workflow.setup import EDITORS
from tests.browser.conftest import ACTION_TIMEOUT_MS, admin_login, js_errors, shoot
from tests.cms.workflow.conftest import build_units
from tests.factories import make_attachment, make_notice, task_list

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def test_progress_story__report_close_overdue_dashboard(
    live_server, page: Page, browser: Browser, site_index, live_db_lock, django_user_model, tmp_path: Path
):
    base = live_server.url
    today = date.today()
    with live_db_lock:
        units = build_units()
        notice = make_notice(site_index, title="2025年度消防工作目标责任")
        rows = [
            {"task": "甲镇建设微型消防站", "deadline": f"{today + timedelta(60):%Y年%-m月%-d日}前",
             "units": [(units["a"], "lead")]},
            {"task": "甲镇更新消防器材", "deadline": f"{today + timedelta(10):%Y年%-m月%-d日}前",
             "units": [(units["a"], "lead")]},
        ]  # fmt: skip
        make_attachment(notice, body=[task_list(rows)])
        station = Task.objects.get(task="甲镇建设微型消防站")
        equipment = Task.objects.get(task="甲镇更新消防器材")
        town_editor = django_user_model.objects.create_user("jiazhen", "", PASSWORD)
        town_editor.groups.add(units["group_a"])
        office = django_user_model.objects.create_user("anban", "", PASSWORD)
        office.groups.add(Group.objects.get(name=EDITORS))
    photo = tmp_path / "消防站照片.png"
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), "red").save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())

    # 1. The town's editor reports from the task's row, with a photo.
    admin_login(page, base, "jiazhen", PASSWORD)
    page.goto(f"{base}/admin/ledger/task/")
    row = page.locator("tr", has_text="甲镇建设微型消防站")
    row.get_by_role("link", name="登记进展").click()
    expect(page.get_by_role("heading", name="登记进展")).to_be_visible()
    page.get_by_label("进展状态").select_option(label="申请销号")
    page.get_by_label("进展说明").fill("微型消防站已建成并配齐器材")
    page.locator("input[type=file][name=evidence]").set_input_files(str(photo))
    page.get_by_role("button", name="保存进展").click()
    page.wait_for_url(re.compile(rf"/admin/ledger/task/inspect/{station.pk}/$"))
    expect(page.locator(".ledger-history")).to_contain_text("微型消防站已建成并配齐器材")
    expect(page.locator(".ledger-history")).to_contain_text("消防站照片")
    shoot(page, "progress-story-1-reported")

    # 2. The office reviews and closes it (its own browser session).
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    office_page = context.new_page()
    admin_login(office_page, base, "anban", PASSWORD)
    office_page.goto(f"{base}/admin/ledger/task/")
    office_page.locator("tr", has_text="甲镇建设微型消防站").get_by_role("link", name="复核").click()
    office_page.get_by_label("销号").check()
    office_page.get_by_role("button", name="提交复核").click()
    office_page.wait_for_url(re.compile(rf"/admin/ledger/task/inspect/{station.pk}/$"))
    expect(office_page.locator(".ledger-history")).to_contain_text("已销号")
    context.close()
    with live_db_lock:
        assert Task.objects.get(pk=station.pk).status == ProgressStatus.CLOSED
        assert TaskProgress.objects.get(status=ProgressStatus.CLOSED).user == office

    # Before the clock moves, the other item is 临期, not yet 逾期.
    page.goto(f"{base}/admin/")
    panel = page.locator(".ledger-warnings")
    expect(panel.locator(".ledger-warnings__overdue-count")).to_have_text("0")
    expect(panel.locator(".ledger-warning--due_soon")).to_contain_text("甲镇更新消防器材")

    # 3. The clock passes the equipment item's date.
    later = equipment.due_date + timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        page.goto(f"{base}/admin/")
        panel = page.locator(".ledger-warnings")
        overdue = panel.locator(".ledger-warning--overdue")
        expect(overdue).to_have_count(1)
        expect(overdue).to_contain_text("甲镇更新消防器材")
        expect(panel.locator(".ledger-review--closed")).to_contain_text("甲镇建设微型消防站")
        shoot(page, "progress-story-2-dashboard")
        page.goto(f"{base}/admin/ledger/task/?overdue=yes")
        ledger_rows = page.locator("tr", has_text=notice.doc_number)
        expect(ledger_rows).to_have_count(1)
        expect(ledger_rows).to_contain_text("甲镇更新消防器材")
        expect(ledger_rows).to_contain_text("逾期")
    assert js_errors(page) == []
