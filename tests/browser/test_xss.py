"""Hostile text in every editable field never runs: not on the public site, not in the admin.

Editors paste text from Word, e-mails and web pages; the site is public and
the admin is where reviewers with publishing rights work.  So every text
field an editor can fill (notice metadata, titles, attachment and letter
titles, unit names and aliases, task progress notes) and every text field
of every block type (generated from the block definitions by
``tests/cms/core/block_samples.py``, so a new block is covered without
anyone adding it here) gets its own numbered payload: ``<script>``, an
``onerror`` image, an attribute break-out into ``<svg onload>``, a
``javascript:`` URL, template syntax (``{{ }}``/``{% %}``) and a Markdown
link to ``javascript:``.

Then the real ``export_site`` runs, and Debian's chromium opens every
generated HTML page over http from 127.0.0.1, and the admin edit views and
live preview of the same content.  Every payload would set
``window.__xss``; an init script in every frame turns that assignment into
a console marker, dialogs are recorded, and the DOM is searched for
``<script>``, ``on*=`` handlers and ``javascript:`` links carrying a
payload.  On the site each payload must also be readable as the literal
text the editor typed.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Frame, Page

from cms.documents.models import AttachmentPage, NoticePage, ResponsibilityLetterPage
from cms.ledger.models import Task, TaskProgress
from cms.units.models import Unit, UnitAlias
from tests.browser.conftest import admin_login, open_preview
from tests.cms.core.block_samples import Sampler
from tests.factories import make_attachment, make_letter, make_notice

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = [
    '<script>window.__xss="{n}"</script>',
    "<svg onload=__xss={n}>",  # short enough for 30-character fields
    '<img src=x onerror="window.__xss={n}">',
    '"><svg onload="window.__xss={n}">',
    "javascript:window.__xss={n}",
    "{{{{ {n}*7 }}}}{{% debug %}}",
    "[链接{n}](javascript:window.__xss={n})",
    '\'><a href="javascript:window.__xss={n}">点{n}</a>',
]
# Any assignment to window.__xss, in any frame, becomes a console line.
TRAP = """
(() => {
  let value;
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get() { return value; },
    set(v) { value = v; console.log("XSS-RAN:" + v); },
  });
})();
"""
# Elements the payloads would create if they were parsed as HTML.
DOM_CHECK = """
() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value;
      if (name.startsWith("on") && value.includes("__xss")) found.push(`${el.tagName} ${name}=${value}`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(name)
          && /^\\s*javascript:/i.test(value)) found.push(`${el.tagName} ${name}=${value}`);
    }
    // Data scripts (Wagtail's edit-handler JSON lists unit names as escaped <option>s) never run;
    // a payload that broke out of one would show up as an element or attribute above.
    const data = el.tagName === "SCRIPT" && /json/i.test(el.getAttribute("type") || "");
    if (el.tagName === "SCRIPT" && !data && el.textContent.includes("__xss")) found.push(`SCRIPT ${el.textContent}`);
  }
  return found;
}
"""


def payload(n: int, limit: int | None = None) -> str:
    """The n-th payload, or the next kind that fits a field of ``limit`` characters."""
    kinds = PAYLOADS[n % len(PAYLOADS) :] + PAYLOADS[: n % len(PAYLOADS)]
    texts = [kind.format(n=n) for kind in kinds]
    return next(text for text in texts if limit is None or len(text) <= limit)


class Texts:
    """Hands out numbered payloads and remembers which field got which."""

    def __init__(self) -> None:
        self.n = 1000
        self.fields: dict[str, str] = {}

    def __call__(self, field: str) -> str:
        self.n += 1
        text = payload(self.n)
        self.fields[field] = text
        return text


def body_of(model: type, sampler: Sampler) -> list[dict[str, Any]]:
    """One block of every type the page's body allows, every text field a payload."""
    stream = model._meta.get_field("body").stream_block
    return [{"type": name, "value": sampler.sample(block)} for name, block in stream.child_blocks.items()]


def hostile_content(parent) -> dict[str, Any]:
    """Publish a notice, an attachment and a letter with a payload in every editable text."""
    texts = Texts()
    unit = Unit.objects.create(name=texts("Unit.name"))
    UnitAlias.objects.create(unit=unit, name=texts("UnitAlias.name"))
    counter = [2000]

    def block_text(n: int, limit: int | None) -> str:
        counter[0] += 1
        return payload(counter[0], limit)

    sampler = Sampler(text=block_text, unit_id=unit.pk)
    notice = make_notice(
        parent,
        title=texts("NoticePage.title"),
        doc_number="<svg/onload=__xss=1>〔2024〕1号",
        issuer=texts("NoticePage.issuer"),
        signer=texts("NoticePage.signer")[:60],
        recipients=texts("NoticePage.recipients"),
        attachment_note=texts("NoticePage.attachment_note"),
        signature=texts("NoticePage.signature"),
        disclosure_wording=texts("NoticePage.disclosure_wording")[:60],
        remarks=texts("NoticePage.remarks"),
        copied_to=texts("NoticePage.copied_to"),
        printed_by=texts("NoticePage.printed_by"),
        publish_progress=True,
        body=body_of(NoticePage, sampler),
    )
    attachment = make_attachment(notice, title=texts("AttachmentPage.title"), body=body_of(AttachmentPage, sampler))
    letter = make_letter(
        attachment, unit, title=texts("ResponsibilityLetterPage.title"), body=body_of(ResponsibilityLetterPage, sampler)
    )
    tasks = list(Task.objects.all())
    assert tasks, "the task list blocks gave no ledger rows"
    for task in tasks:
        TaskProgress.objects.create(
            row_id=task.row_id, status="in_progress", note=texts(f"TaskProgress.note:{task.pk}")
        )
    fields = {**texts.fields, **{f"block text {i}": t for i, t in enumerate(sampler.markers) if "__xss" in t}}
    return {"notice": notice, "attachment": attachment, "letter": letter, "unit": unit, "fields": fields}


class Watch:
    """Console markers, dialogs and page errors of one browser context."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(locale="zh-CN")
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(TRAP)
        self.ran: list[str] = []
        self.context.on("page", self._watch)
        self.page = self.context.new_page()

    def _watch(self, page: Page) -> None:
        page.on("console", lambda m: m.text.startswith("XSS-RAN:") and self.ran.append(f"{page.url}: {m.text}"))
        page.on("dialog", lambda d: (self.ran.append(f"{page.url}: dialog {d.message}"), d.dismiss()))


def dom_problems(frame: Page | Frame, where: str) -> list[str]:
    """Payload-made elements and handlers in the DOM, and whether window.__xss was set."""
    problems = [f"{where}: {item}" for item in frame.evaluate(DOM_CHECK)]
    value = frame.evaluate("() => window.__xss")
    if value is not None:
        problems.append(f"{where}: window.__xss = {value}")
    return problems


def normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the public site ----------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.django_db
def test_export_site__payloads_in_every_field_are_shown_as_text_and_never_run(
    notice_index, browser: Browser, served: tuple[Path, str], tmp_path: Path
) -> None:
    site, base = served
    content = hostile_content(notice_index)
    log = io.StringIO()
    call_command("export_site", "--out", str(site), "--src", str(tmp_path / "src"), stdout=log)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) >= 5, (pages, log.getvalue())

    watch = Watch(browser)
    problems: list[str] = []
    shown = ""
    for path in pages:
        watch.page.goto(base + path)
        watch.page.wait_for_load_state("load")
        problems += dom_problems(watch.page, path)
        shown += normalised(watch.page.inner_text("body"))
    watch.context.close()
    assert not watch.ran, watch.ran
    assert not problems, problems
    # 签发人 is printed on reports to superiors only, and progress notes go to the
    # ledgers (checked as data below), so neither is page content.
    not_on_pages = ("NoticePage.signer", "TaskProgress.note")
    page_fields = {f: t for f, t in content["fields"].items() if not f.startswith(not_on_pages)}
    unseen = {field: text for field, text in page_fields.items() if normalised(text) not in shown}
    assert not unseen, f"payloads not shown literally anywhere on the site: {unseen}"
    assert normalised("<svg/onload=__xss=1>") in shown  # the 发文字号 too
    ledger = json.loads((site / "downloads" / "tasks.json").read_text(encoding="utf-8"))
    notes = {row["进展说明"] for row in ledger}
    assert {t for f, t in content["fields"].items() if f.startswith("TaskProgress.note")} <= notes


# --- the admin ------------------------------------------------------------------------------


def test_admin__edit_views_and_preview_of_hostile_content_never_run(
    page: Page, live_server, live_db_lock, admin_credentials, site_index
) -> None:
    with live_db_lock:
        content = hostile_content(site_index)
    page.context.add_init_script(TRAP)
    ran: list[str] = []
    page.on("console", lambda m: m.text.startswith("XSS-RAN:") and ran.append(f"{page.url}: {m.text}"))
    page.on("dialog", lambda d: (ran.append(f"{page.url}: dialog {d.message}"), d.dismiss()))
    admin_login(page, live_server.url, *admin_credentials)
    problems: list[str] = []
    previewed = ""
    urls = [f"/admin/pages/{content[key].pk}/edit/" for key in ("notice", "attachment", "letter")]
    urls += [
        f"/admin/pages/{content['notice'].pk}/",  # the explorer lists the children's titles
        f"/admin/snippets/units/unit/edit/{content['unit'].pk}/",
        "/admin/snippets/units/unit/",
        "/admin/ledger/task/",
        "/admin/ledger/taskprogress/",
    ]
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        problems += dom_problems(page, url)
        if url.endswith("/edit/") and "/pages/" in url:
            preview = open_preview(page)
            preview.locator("h1, h2").first.wait_for()
            frame = page.locator("iframe.w-preview__iframe").last.element_handle().content_frame()
            assert frame is not None
            problems += dom_problems(frame, f"preview of {url}")
            previewed += normalised(frame.inner_text("body"))
    assert not ran, ran
    assert not problems, problems
    for field in ("NoticePage.title", "AttachmentPage.title", "ResponsibilityLetterPage.title"):
        assert normalised(content["fields"][field]) in previewed, f"the preview does not show {field} as text"
