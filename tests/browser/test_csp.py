"""The admin works under the Content-Security-Policy (cms/settings/base.py) in real Chromium.

Chromium refuses whatever the policy forbids and reports it twice: as a
``securitypolicyviolation`` DOM event and as a console message.  Both are
collected on every page and frame, so a policy that blocks a Wagtail script,
style, font, image or the preview iframe fails the test.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    add_child_page,
    add_stream_block,
    admin_login,
    fill_block,
    js_errors,
    open_preview,
    save_draft,
)

pytestmark = pytest.mark.browser


def test_csp__login_page_and_streamfield_editor_work_without_violations(
    live_server, page: Page, violations: list[str], admin_credentials, site_index
):
    base = live_server.url
    response = page.goto(f"{base}/admin/login/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    # The stylesheet applied: Wagtail's login form is laid out, not raw HTML.
    expect(page.locator("form button[type=submit]")).to_have_css("cursor", "pointer")
    admin_login(page, base, *admin_credentials)

    add_child_page(page, base, site_index.pk)
    page.locator("input[name=title]").fill("关于开展安全生产大检查的通知")
    heading = add_stream_block(page, "body", "章节标题")
    fill_block(page, heading, {"text": "总体要求"})
    paragraph = add_stream_block(page, "body", "段落")
    expect(page.locator(f'input[name="{paragraph}-value-text"]')).to_be_attached()
    draftail = page.locator(".Draftail-Editor [contenteditable=true]").last
    draftail.click()
    page.keyboard.type("各乡镇要全面排查隐患。")
    # Wagtail's table block runs Handsontable, the heaviest script in the editor.
    table = add_stream_block(page, "body", "通用表格")
    expect(page.locator(f'input[name="{table}-value-title"]')).to_be_attached()
    expect(page.locator(".htCore").first).to_be_visible()
    save_draft(page)
    expect(page.locator(".Draftail-Editor").first).to_contain_text("各乡镇要全面排查隐患。")

    # Date fields and inline panels: Wagtail starts them with inline scripts,
    # replaced by cms/core/static/cms/admin-csp-init.js.
    page.locator("input[name=written_date]").click()
    expect(page.locator(".xdsoft_datetimepicker").filter(visible=True)).to_have_count(1)
    page.keyboard.press("Escape")

    preview = open_preview(page)
    expect(preview).to_contain_text("总体要求")

    page.goto(f"{base}/admin/snippets/units/unit/add/")
    total = page.locator("input[name=aliases-TOTAL_FORMS]")
    before = int(total.input_value())
    page.locator("#id_aliases-ADD").click()
    expect(total).to_have_value(str(before + 1))

    # Settings → workflows: the task chooser (cms/core/csp.py).
    page.goto(f"{base}/admin/workflows/add/")
    expect(page.locator("input[name=name]")).to_be_visible()

    assert violations == [], "\n".join(sorted(set(violations)))
    assert js_errors(page) == []
