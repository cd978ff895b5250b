"""The task-list grid (cms/core/task_grid, cms/core/static/cms/task-grid.js) in Chromium.

An editor changes a deadline, swaps two rows, pastes three rows from
tab-separated text, picks a unit in the search-as-you-type chooser, and
publishes; the ledger downloaded from the admin shows every change, and each
of the hundred original rows keeps its id.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from cms.documents.models import AttachmentPage
from cms.ledger.tables import ROW_ID_COLUMN
from tests.browser.conftest import admin_login, js_errors, publish
from tests.factories import UnitFactory, make_attachment, make_notice, task_list

pytestmark = pytest.mark.browser

ROWS = 100
PASTED = (
    "1\t建立火灾隐患举报奖励制度\t2025年6月底前\t区消防救援大队\n"
    "2\t开展“三合一”场所专项整治\t每年\t各乡镇\n"
    '3\t"更新消防\n车通道标识"\t2025年底前\t区住建局\n'
)


def stored_rows(page_id: int) -> list[tuple[str, dict]]:
    page = AttachmentPage.objects.get(pk=page_id)
    block = next(b for b in page.body.raw_data if b["type"] == "task_list")
    return [(item["id"], item["value"]) for item in block["value"]["rows"]]


def test_task_grid__edit_a_hundred_row_list_and_the_ledger_keeps_row_ids(
    live_server, page: Page, violations: list[str], admin_credentials, site_index, live_db_lock
):
    base = live_server.url
    with live_db_lock:
        fire = UnitFactory(name="区消防救援大队")
        town = UnitFactory(name="岩前镇人民政府")
        rows = [
            {"task": f"第{i}项工作任务", "deadline": "2024年底前", "units": [(fire, "lead")]}
            for i in range(1, ROWS + 1)
        ]
        notice = make_notice(site_index, title="关于下达重点项目清单的通知")
        attachment = make_attachment(notice, title="重点项目清单", body=[task_list(rows)])
        before = stored_rows(attachment.pk)
    ids = [row_id for row_id, _ in before]

    admin_login(page, base, *admin_credentials)
    page.goto(f"{base}/admin/pages/{attachment.pk}/edit/")
    lines = page.locator(".task-grid__line")
    expect(lines).to_have_count(ROWS)
    # Compact: the whole list is a few dozen form fields, not thousands.
    assert page.locator("form#page-edit-form [name]").count() < 80

    # 1. A deadline, in the row's editor.
    lines.nth(4).locator(".task-grid__deadline").click()
    editor = page.locator(".task-grid__editor")
    editor.locator('[data-field="deadline"]').fill("2025年3月底前")
    expect(lines.nth(4).locator(".task-grid__deadline")).to_have_text("2025年3月底前")

    # 2. Rows 1 and 2 swap places.
    lines.nth(0).locator('[data-grid-action="down"]').click()
    expect(lines.nth(0).locator(".task-grid__task")).to_have_text("第2项工作任务")
    expect(lines.nth(1).locator(".task-grid__task")).to_have_text("第1项工作任务")

    # 3. Three rows pasted from Excel (序号, 工作任务, 完成时限, 责任单位; one cell spans two lines),
    #    at the end since no row is open (an open row gets them right below it).
    page.locator(".task-grid__close").click()
    expect(editor).to_have_count(0)
    page.locator(".task-grid__paste-open").click()
    page.locator(".task-grid__paste-text").fill(PASTED)
    page.locator(".task-grid__paste-insert").click()
    expect(lines).to_have_count(ROWS + 3)
    expect(lines.nth(ROWS + 2).locator(".task-grid__task")).to_have_text("更新消防 车通道标识")

    # 4. A unit through the search-as-you-type chooser.
    lines.nth(9).locator(".task-grid__deadline").click()
    search = page.locator(".task-grid__unit-search")
    search.fill("岩前")
    option = page.locator(".task-grid__unit-option", has_text="岩前镇人民政府")
    option.click()
    expect(page.locator(".task-grid__editor .task-grid__chip-name")).to_have_text(["区消防救援大队", "岩前镇人民政府"])
    page.locator(".task-grid__editor .task-grid__role").nth(1).click()
    expect(lines.nth(9).locator(".task-grid__units")).to_have_text("牵头：区消防救援大队；配合：岩前镇人民政府")

    publish(page)
    assert violations == [], "\n".join(violations)
    assert js_errors(page) == []

    with live_db_lock:
        after = stored_rows(attachment.pk)
    after_ids = [row_id for row_id, _ in after]
    assert after_ids[:ROWS] == [ids[1], ids[0], *ids[2:]]
    assert len(set(after_ids)) == ROWS + 3 and all(after_ids[ROWS:])
    assert after[4][1]["deadline"] == "2025年3月底前"
    assert [u["value"]["unit"] for u in after[9][1]["units"]] == [fire.pk, town.pk]
    assert after[ROWS + 2][1]["units_text"] == "区住建局"

    response = page.request.get(f"{base}/admin/ledger/task/?export=csv")
    assert response.ok, response.status
    ledger = {row[ROW_ID_COLUMN]: row for row in csv.DictReader(io.StringIO(response.text().lstrip("\ufeff")))}
    assert set(ids) <= set(ledger), "every original row keeps its id in the ledger"
    assert ledger[ids[4]]["完成时限"] == "2025年3月底前"
    assert ledger[ids[9]]["牵头单位"] == "区消防救援大队" and ledger[ids[9]]["配合单位"] == "岩前镇人民政府"
    pasted = [ledger[row_id] for row_id in after_ids[ROWS:]]
    assert [row["工作任务"] for row in pasted] == [
        "建立火灾隐患举报奖励制度",
        "开展“三合一”场所专项整治",
        "更新消防\n车通道标识",
    ]
    assert re.fullmatch(r"2025年6月底前", pasted[0]["完成时限"])


def test_task_grid__a_row_without_task_is_refused_and_named_in_chinese(
    live_server, page: Page, admin_credentials, site_index, live_db_lock
):
    base = live_server.url
    with live_db_lock:
        notice = make_notice(site_index, title="关于下达重点项目清单的通知")
        attachment = make_attachment(notice, title="重点项目清单", body=[task_list([{"task": "第1项工作任务"}])])
    admin_login(page, base, *admin_credentials)
    page.goto(f"{base}/admin/pages/{attachment.pk}/edit/")
    page.locator(".task-grid__add").click()
    page.locator('.task-grid__editor [data-field="deadline"]').fill("2025年底前")
    with page.expect_navigation():
        page.locator("footer nav.actions--primary button.action-save").click()
    expect(page.locator(".task-grid__errors")).to_have_text("第 2 行：请填写工作任务或工作内容。")
    expect(page.locator(".task-grid__line").nth(1)).to_have_class(re.compile("task-grid__line--error"))
    # The refused form keeps what the editor typed.
    expect(page.locator(".task-grid__line").nth(1).locator(".task-grid__deadline")).to_have_text("2025年底前")
