"""No English, and no Content-Security-Policy violation, in the admin views that 编辑, 审核 and 签发 use.

Chromium asks for English (Accept-Language en-US) on purpose: the admin must
still answer in Chinese.  Every view's visible text, option labels,
placeholders, tooltips and screen-reader labels are read, and any Latin word
outside a short list of names and file formats fails the test, naming the
view and the words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from wagtail.models import Page as WagtailPage

from cms.importer.models import ImportReport
from cms.publishing.models import ExportRun, ExportStatus
from tests.browser.conftest import (
    ACTION_TIMEOUT_MS,
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    REPORT_VIOLATIONS,
    admin_login,
)
from tests.factories import (
    UnitFactory,
    make_attachment,
    make_letter,
    make_notice,
    paragraph,
    task_list,
)

pytestmark = pytest.mark.browser

# Product names, file formats and key names an editor may meet as they are.
ALLOWED = {
    "wagtail", "xlsx", "csv", "json", "word", "wps", "docx", "doc", "txt", "pdf", "excel", "ics",
    "kb", "mb", "gb", "alt", "ctrl", "shift", "esc", "cmd", "option", "enter", "tab",
    ADMIN_USERNAME,
}  # fmt: skip
# The words of the issue that must never come back, whatever ALLOWED says.
FORBIDDEN = {"password", "pages", "search", "privacy", "access", "select", "true", "false", "referenced", "times", "by"}

TEXT_OF_PAGE = """() => {
  const out = [];
  const skip = 'script,style,template,noscript,textarea,[contenteditable=true],code,pre';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(skip)) continue;
    // Time-zone names (IANA identifiers) are data, not interface.
    if (el.closest('select[name$="time_zone"]')) continue;
    if (el.closest('option')) { out.push(walker.currentNode.textContent); continue; }
    if (!el.checkVisibility() && !el.closest('.w-sr-only')) continue;
    out.push(walker.currentNode.textContent);
  }
  document.querySelectorAll('[placeholder],[title],[aria-label]').forEach((el) => {
    if (el.closest('template,svg')) return;
    for (const name of ['placeholder', 'title', 'aria-label']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  });
  out.push(document.title);
  return out.join('\\n');
}"""
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def english_words(page: Page, content: set[str]) -> list[str]:
    """Latin words on the page that are neither allowed names nor content typed by an editor."""
    words = set(LATIN_WORD.findall(page.evaluate(TEXT_OF_PAGE)))
    return sorted(
        w for w in words if w.lower() in FORBIDDEN or (w.lower() not in ALLOWED and w not in content and len(w) > 1)
    )


@pytest.fixture
def english_page(browser: Browser, live_db_lock) -> Iterator[Page]:
    """A browser that prefers English, as an office PC with an English Windows would."""
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    violations: list[str] = []
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_violations = violations  # type: ignore[attr-defined]
    yield page
    context.close()


def test_admin_views__show_no_english_words(
    live_server, english_page: Page, admin_credentials, site_index, live_db_lock
):
    base = live_server.url
    with live_db_lock:
        town = UnitFactory(name="岩前镇", needs_review=True)
        other = UnitFactory(name="莘口镇")
        rows = [{"task": f"消防任务{i}", "deadline": "2024年底前", "units": [(town, "lead")]} for i in range(3)]
        notice = make_notice(site_index, title="三年行动通知")
        attachment = make_attachment(notice, title="重点项目清单", body=[task_list(rows)])
        letter = make_letter(attachment, town, body=[paragraph("（一）岩前镇条款")])
        make_letter(attachment, other, body=[paragraph("（一）莘口镇条款")])
        report = ImportReport.objects.create(source_name="notice.docx", coverage=0.98, text="识别结果", notice=notice)
        run = ExportRun.objects.create(status=ExportStatus.SUCCEEDED, message="导出完成")
        # Words an editor typed or a file name carries are content, not interface
        # (Wagtail's tree root keeps the title "Root" its migration gave it).
        content = {
            w for title in WagtailPage.objects.values_list("title", flat=True) for w in LATIN_WORD.findall(title)
        }
    content |= {"notice"}

    views = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{site_index.pk}/",
        f"/admin/pages/{notice.pk}/",
        f"/admin/pages/{notice.pk}/edit/",
        f"/admin/pages/{attachment.pk}/edit/",
        f"/admin/pages/{letter.pk}/edit/",
        f"/admin/pages/{notice.pk}/history/",
        f"/admin/pages/{notice.pk}/workflow_history/",
        f"/admin/pages/{site_index.pk}/add_subpage/",
        "/admin/pages/search/?q=消防",
        "/admin/snippets/units/unit/",
        "/admin/snippets/units/unit/?needs_review=true",
        f"/admin/snippets/units/unit/edit/{town.pk}/",
        f"/admin/snippets/units/unit/usage/{town.pk}/",
        f"/admin/snippets/units/unit/delete/{town.pk}/",
        "/admin/ledger/task/",
        "/admin/ledger/task/?year=2024",
        "/admin/ledger/taskprogress/",
        "/admin/import/",
        "/admin/snippets/importer/importreport/",
        f"/admin/import/reports/{report.pk}/",
        "/admin/publishing/",
        f"/admin/publishing/{run.pk}/",
        "/admin/letters/generate/",
        f"/admin/letters/compare/{letter.pk}/",
        "/admin/reports/locked/",
        "/admin/reports/workflow/",
        "/admin/account/",
    ]
    found: dict[str, list[str]] = {}

    english_page.goto(f"{base}/admin/login/")
    if words := english_words(english_page, content):
        found["/admin/login/"] = words
    admin_login(english_page, base, ADMIN_USERNAME, ADMIN_PASSWORD)
    for view in views:
        response = english_page.goto(f"{base}{view}")
        assert response is not None and response.ok, f"{view}: {response and response.status}"
        english_page.wait_for_load_state("load")
        if words := english_words(english_page, content):
            found[view] = words
    assert found == {}, "\n".join(f"{view}: {' '.join(words)}" for view, words in found.items())
    # The same views under the Content-Security-Policy: nothing refused anywhere.
    assert english_page.csp_violations == [], "\n".join(english_page.csp_violations)  # type: ignore[attr-defined]
