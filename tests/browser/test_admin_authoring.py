"""Issue "foundation" end to end in a real browser.

An editor logs into the Chinese admin, writes a 公文 under 公文库, adds a 附件
holding a 任务清单 (three tasks for two responsible units, picked in the task
grid's search-as-you-type unit chooser; cms/core/static/cms/task-grid.js),
previews it, publishes both pages, and the public site serves the task table.
"""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import Locator, Page, expect

from cms.documents.models import AttachmentPage, Disclosure, NoticePage
from tests.browser.conftest import (
    add_child_page,
    add_stream_block,
    admin_login,
    grid_add_row,
    grid_choose_unit,
    js_errors,
    open_preview,
    publish,
    save_draft,
    shoot,
)
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser

NOTICE_TITLE = "关于下达2024年度安全生产和消防工作目标责任的通知"
DOC_NUMBER = "测安委〔2024〕7号"
ATTACHMENT_TITLE = "2024年度安全生产和消防重点工作任务清单"
UNIT_A = "县应急管理局"
UNIT_B = "县消防救援大队"
TASKS = [
    {
        "task": "开展危险化学品企业安全生产专项整治",
        "deadline": "2024年6月底前",
        "units": [(UNIT_A, "lead", "typed")],
    },
    {
        "task": "组织高层建筑消防安全隐患排查",
        "deadline": "2024年9月底前",
        "units": [(UNIT_B, "lead", "typed"), (UNIT_A, "support", "typed")],
    },
    {
        "task": "建成乡镇专职消防队并开展实战演练",
        "deadline": "2024年底前",
        "units": [(UNIT_B, "lead", "chooser")],
    },
]


ROLE_LABELS = {"lead": "牵头：", "support": "配合："}


def step(page: Page, n: int, name: str) -> None:
    shoot(page, f"foundation-{n:02d}-{name}")


def expect_task_table(table: Locator) -> None:
    """One row per task: its text, deadline and units (chosen ones by registry name)."""
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(TASKS))
    for i, task in enumerate(TASKS):
        row = rows.nth(i)
        expect(row).to_contain_text(task["task"])
        expect(row).to_contain_text(task["deadline"])
        units = row.locator("td").last
        for name, role, _how in task["units"]:
            expect(units).to_contain_text(f"{ROLE_LABELS[role]}{name}")


def test_editor_writes_previews_and_publishes_a_task_list(
    live_server, live_db_lock, page: Page, admin_credentials, site_index
):
    base = live_server.url
    # 1. two units in the registry (the superuser and 首页 → 公文库 come from fixtures)
    with live_db_lock:
        unit_a = UnitFactory(name=UNIT_A)
        unit_b = UnitFactory(name=UNIT_B)

    # 2. log in with the form
    admin_login(page, base, *admin_credentials)
    step(page, 2, "dashboard")

    # 3. a 公文 under 公文库, saved as a draft
    add_child_page(page, base, site_index.pk)
    page.locator("input[name=title]").fill(NOTICE_TITLE)
    page.locator("input[name=doc_number]").fill(DOC_NUMBER)
    page.locator("select[name=disclosure]").select_option(Disclosure.PUBLIC.value)
    step(page, 3, "notice-form")
    notice_id = save_draft(page)
    step(page, 3, "notice-saved")
    with live_db_lock:
        notice = NoticePage.objects.get(pk=notice_id)
        assert notice.get_parent().pk == site_index.pk
        assert not notice.live and notice.has_unpublished_changes
        assert notice.title == NOTICE_TITLE
        assert notice.doc_number == DOC_NUMBER and notice.disclosure == Disclosure.PUBLIC
        assert NoticePage.objects.count() == 1  # autosave and 保存草稿 made one page, not two

    # 4. a child 附件 holding a 任务清单: three tasks for two units
    add_child_page(page, base, notice_id)
    page.locator("input[name=number]").fill("1")
    page.locator("select[name=kind]").select_option("tasks")
    page.locator("input[name=title]").fill(ATTACHMENT_TITLE)
    block = add_stream_block(page, "body", "任务清单")
    page.locator(f'[id="{block}-value-title"]').fill("重点工作任务清单")
    for task in TASKS:
        grid_add_row(page, block, {"task": task["task"], "deadline": task["deadline"]})
        for name, role, _how in task["units"]:
            grid_choose_unit(page, block, name, role)
    step(page, 4, "attachment-form")
    attachment_id = save_draft(page)
    step(page, 4, "attachment-saved")

    # 5. the preview renders the task table
    preview = open_preview(page)
    expect_task_table(preview.locator("table.task-list"))
    step(page, 5, "attachment-preview")

    # 6. publish the notice, then the attachment
    page.goto(f"{base}/admin/pages/{notice_id}/edit/")
    publish(page)
    step(page, 6, "notice-published")
    page.goto(f"{base}/admin/pages/{attachment_id}/edit/")
    publish(page)
    step(page, 6, "attachment-published")

    # 7. the database and the public site agree
    with live_db_lock:
        notice.refresh_from_db()
        attachment = AttachmentPage.objects.get(pk=attachment_id)
        assert NoticePage.objects.count() == 1 and AttachmentPage.objects.count() == 1
        assert notice.live and not notice.has_unpublished_changes
        assert attachment.live and not attachment.has_unpublished_changes
        assert attachment.get_parent().pk == notice.pk
        assert attachment.title == ATTACHMENT_TITLE
        assert attachment.number == 1 and attachment.kind == "tasks"
        [task_list] = [b for b in attachment.body if b.block_type == "task_list"]
        saved_rows = task_list.value["rows"]
        assert len(saved_rows) == 3
        assert [r["task"] for r in saved_rows] == [t["task"] for t in TASKS]
        refs = [[(ref["unit"], ref["role"]) for ref in r["units"]] for r in saved_rows]
        assert refs == [[(unit_a, "lead")], [(unit_b, "lead"), (unit_a, "support")], [(unit_b, "lead")]]
        assert {ref["unit"].pk for r in saved_rows for ref in r["units"]} == {unit_a.pk, unit_b.pk}
        notice_url = f"{base}{notice.get_url()}"
        url = f"{base}{attachment.get_url()}"

    # the notice's public page links to its attachment
    with urllib.request.urlopen(notice_url, timeout=15) as response:  # noqa: S310
        assert response.status == 200
        assert ATTACHMENT_TITLE in response.read().decode("utf-8")

    with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - the live server
        assert response.status == 200
        html = response.read().decode("utf-8")
    for task in TASKS:
        assert task["task"] in html
    page.goto(url)
    expect_task_table(page.locator("table.task-list"))
    step(page, 7, "public-attachment")

    assert not js_errors(page), js_errors(page)
