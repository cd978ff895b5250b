"""The exported public site in a real browser, served the way a county portal would.

Once per module the five seed documents are imported (published, 主动公开)
and ``manage.py export_site`` builds the static site.  A loopback-only
``http.server`` then serves it under a sub-path (``/zwgk/aqsc/``, like a
政务公开 column of a county portal) and 404s everything else, so any link
or asset that assumes the site root breaks visibly.  Debian's chromium,
driven by Playwright, reads it like the public: home page, a notice with
its 信息公开 table, an attachment with a task table, a unit page, the
Chinese search box, print, a phone, and the site opened from disk.

Every request the browser makes is recorded: nothing may leave 127.0.0.1
(the public may be on a filtered network), nothing may 404, and no page may
log a console error.  Screenshots and a PDF go to
``test-artifacts/browser/public/`` for a human to look at.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the site is
# built before it starts, but Django's async-unsafe guard must not trip on
# any later ORM use in the same process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.management import call_command
from django.db import connection, transaction
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, expect, sync_playwright

from cms.documents.models import AttachmentPage
from cms.importer.service import import_documents
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SEARCH_PROMPT, result_titles, search
from tests.factories import UnitFactory, make_letter, paragraph

# django_db: pytest-django only creates the test database when a collected test
# asks for it; without the mark the module fixture would see the real database.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEEDS = sorted((PROJECT_DIR / "content" / "seeds").glob("*.txt"))
ARTIFACTS = PROJECT_DIR / "test-artifacts" / "browser" / "public"

TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

PORTAL_PREFIX = "/zwgk/aqsc/"
LOOPBACK = "127.0.0.1"

# What the seeds put on the site.
NOTICE_2022 = "晋江市人民政府关于下达2022年度安全生产和消防工作目标责任的通知"
NOTICE_2022_NUMBER = "晋政文〔2022〕201号"
NOTICE_2022_ATTACHMENT = "附件：2022年度安全生产和消防工作目标责任"
NOTICE_001 = "全乡安全生产专项整治三年行动领导组"
ATTACHMENT_FIRE = "附件6：消防安全专项整治三年行动实施方案"
NOTICE_003 = "百崎回族乡消防安全治本攻坚三年行动重点项目清单"
FIRE_BRIGADE = "消防救援大队"
# The largest seed attachment: a task table right under its title (001, 附件6 附件1).
TASK_LIST_ATTACHMENT = "消防安全专项整治三年行动重点项目清单"
# A 目标责任书 added to the seeds, with a phrase no other page has (its own search bundle).
LETTER_ONLY_TITLE = "浏览器测试镇安全生产目标责任书"
LETTER_ONLY_PHRASE = "渔港码头夜间巡查"


# --- the site ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_dir(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """Import the five seeds and export the site; the database is rolled back, the files stay."""
    assert len(SEEDS) == 5, SEEDS
    root = tmp_path_factory.mktemp("public-site-browser")
    log = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        database = str(connection.settings_dict["NAME"])
        assert "memory" in database or "test" in database, f"not a test database: {database}"
        import_documents([(p.name, p.read_bytes()) for p in SEEDS], publish=True, disclosure="主动公开")
        text = [paragraph(f"本镇负责{LETTER_ONLY_PHRASE}工作，每月报告一次。")]
        make_letter(
            AttachmentPage.objects.order_by("path").first(),
            UnitFactory(name="浏览器测试镇"),
            title=LETTER_ONLY_TITLE,
            body=text,
        )
        call_command("export_site", "--out", str(root / "site"), "--src", str(root / "src"), stdout=log)
        transaction.set_rollback(True)
    assert "完成：" in log.getvalue(), log.getvalue()
    return root / "site"


class PortalHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``<site>`` at ``/zwgk/aqsc/``; every other path is 404."""

    hits: list[tuple[str, int]]  # set per server: (path, status)

    def _in_portal(self) -> bool:
        return urllib.parse.urlsplit(self.path).path.startswith(PORTAL_PREFIX)

    def do_GET(self) -> None:
        if not self._in_portal():
            self.send_error(404, "outside the portal column")
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if not self._in_portal():
            self.send_error(404, "outside the portal column")
            return
        super().do_HEAD()

    def translate_path(self, path: str) -> str:
        # self.path keeps the prefix, so directory redirects stay inside the column.
        path = urllib.parse.urlsplit(path).path
        return super().translate_path("/" + path[len(PORTAL_PREFIX) :])

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        with contextlib.suppress(TypeError, ValueError):
            self.hits.append((self.path, int(code)))

    def log_message(self, format: str, *args: Any) -> None:
        pass


class PortalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that navigates away closes its connection mid-response.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@dataclass
class Portal:
    base: str  # http://127.0.0.1:PORT/zwgk/aqsc/
    hits: list[tuple[str, int]]

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def portal(site_dir: Path) -> Iterator[Portal]:
    hits: list[tuple[str, int]] = []
    handler = type("Handler", (PortalHandler,), {"hits": hits})
    server = PortalServer((LOOPBACK, 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, name="portal", daemon=True)
    thread.start()
    try:
        yield Portal(f"http://{LOOPBACK}:{server.server_address[1]}{PORTAL_PREFIX}", hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(site_dir: Path) -> Iterator[Browser]:
    # Depends on site_dir so the ORM work is done before Playwright's loop starts.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: scripts/test.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """One browser context and everything it did."""

    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def record(self) -> None:
        self.context.on("request", self._request)
        self.context.on("requestfailed", self._failed)
        self.context.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} ({r.status})"))
        # Anything not on loopback or disk is recorded and never sent.
        self.context.route(re.compile(r".*"), self._route)
        self.watch(self.page)
        self.context.on("page", self.watch)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)
        if not is_local(request.url):
            self.foreign.append(request.url)

    def _failed(self, request: Request) -> None:
        # ERR_ABORTED: the page navigated away while a script or the search was
        # still loading; a 404 shows as a response instead.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url} ({request.failure})")

    def _route(self, route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            if route.request.url not in self.foreign:
                self.foreign.append(route.request.url)
            route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{message.text} [{location}]")

    def assert_clean(self, *, allowed_errors: re.Pattern[str] | None = None) -> None:
        assert self.requests, "no request was recorded"
        assert not self.foreign, f"requests left 127.0.0.1: {self.foreign}"
        errors = [e for e in self.console_errors if not (allowed_errors and allowed_errors.search(e))]
        assert not errors, f"console errors: {errors}"
        failed = [f for f in self.failed if not (allowed_errors and allowed_errors.search(f))]
        assert not failed, f"failed requests: {failed}"


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "file"}:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname == LOOPBACK


@pytest.fixture
def open_visit(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Visit]]:
    visits: list[Visit] = []

    def open_(viewport: dict[str, int] = DESKTOP, **options: Any) -> Visit:
        context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        visit = Visit(context, context.new_page())
        visit.record()
        visits.append(visit)
        return visit

    yield open_
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, visit in enumerate(visits):
        if failed:
            with contextlib.suppress(Exception):
                shot(visit.page, f"{request.node.name}-{n}-FAILED", full_page=False)
        visit.context.close()


@pytest.fixture
def visit(open_visit: Callable[..., Visit]) -> Visit:
    return open_visit()


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def scroll_to(page: Page, locator, margin: int = 80) -> None:
    """Scroll so that ``locator``'s top sits just below the sticky header."""
    locator.evaluate(f"el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - {margin})")


def portal_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def click_through(page: Page, link, url_pattern: str) -> None:
    """Click a link and wait for the page it leads to."""
    link.click()
    page.wait_for_url(re.compile(url_pattern))
    page.wait_for_load_state("load")


def h1(page: Page):
    return page.locator(".md-content h1").first


def section_list(page: Page, heading: str):
    """The ``<li>`` of the list right after the ``<h2>`` named ``heading``."""
    return page.locator(".md-content h2", has_text=heading).locator("xpath=following-sibling::ul[1]/li")


def meta_value(page: Page, label: str) -> str:
    return page.locator("table.gk-meta tr", has=page.locator(f"th:text-is('{label}')")).locator("td").inner_text()


# --- the server itself ----------------------------------------------------------------


def test_portal__serves_the_site_only_under_its_sub_path(portal: Portal):
    with urllib.request.urlopen(portal.url("index.html"), timeout=10) as response:  # noqa: S310 - loopback
        assert response.status == 200
        assert "安全生产和消防工作目标责任" in response.read().decode("utf-8")
    root = portal.base.removesuffix(PORTAL_PREFIX)
    for outside in ("/index.html", "/assets/extra.css", "/zwgk/index.html"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(root + outside, timeout=10)  # noqa: S310 - loopback
        assert error.value.code == 404, outside


# --- home → notice → attachment → unit ---------------------------------------------------


def test_home_page__latest_documents_and_entry_points(visit: Visit, portal: Portal):
    page = visit.page
    page.goto(portal.url("index.html"))
    expect(h1(page)).to_have_text("安全生产和消防工作目标责任")
    expect(page).to_have_title(re.compile("安全生产和消防工作目标责任"))

    expect(page.locator(".md-content h2", has_text="最新公开")).to_be_visible()
    latest = section_list(page, "最新公开")
    expect(latest).to_have_count(5)
    expect(latest.filter(has_text=NOTICE_2022)).to_contain_text(NOTICE_2022_NUMBER)
    for title in (NOTICE_001, NOTICE_003, "集街办〔2024〕46号"):
        expect(latest.filter(has_text=title)).to_have_count(1)

    # Entry points: sections of the home page and the site navigation.
    for heading in ("按年度", "按发文机关", "按责任单位", "按主题"):
        expect(page.locator(".md-content h2", has_text=heading)).to_be_visible()
    expect(section_list(page, "按年度")).to_have_count(4)  # 2024, 2023, 2022, 未标注年度
    expect(section_list(page, "按主题").filter(has_text="消防")).to_contain_text("件")
    nav = page.locator(".md-sidebar--primary .md-nav--primary")
    for label in ("按年度", "按发文机关", "按单位", "按主题", "台账下载"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    shot(page, "01-home")

    # The unit registry entry point lists units.
    click_through(page, section_list(page, "按责任单位").get_by_role("link"), r"/units/index\.html$")
    expect(page.locator(".md-content a[href$='.html']").filter(has_text=FIRE_BRIGADE).first).to_be_visible()

    # Every request stayed inside the portal column: nothing assumes the site root.
    outside = [url for url in visit.requests if not portal_path(url).startswith(PORTAL_PREFIX)]
    assert not outside, outside
    visit.assert_clean()


def assert_lists_its_marked_year(page: Page) -> None:
    """A unit or unit-year page lists in full the one year its summary marks as current, as counted there."""
    head = page.locator("table.unit-summary thead th").all_inner_texts()
    current = page.locator("table.unit-summary tbody tr").filter(has=page.locator("[aria-current='page']"))
    expect(current).to_have_count(1)
    row = dict(zip(head, current.locator("td").all_inner_texts(), strict=True))
    years = [y.strip() for y in page.locator(".md-content h2").all_inner_texts() if re.search(r"项）$", y.strip())]
    assert years == [f"{row['年度']}（{row['合计']}项）"], (years, row)
    assert page.locator("table.unit-tasks tbody tr").count() == int(row["任务"]), row


def test_notice_attachment_task_table_and_unit_page(visit: Visit, portal: Portal):
    page = visit.page
    page.goto(portal.url("index.html"))

    # 按年度 → 2022年 → the notice.
    click_through(
        page, section_list(page, "按年度").get_by_role("link", name="2022年", exact=True), r"/years/2022\.html$"
    )
    click_through(page, page.locator(".md-content").get_by_role("link", name=NOTICE_2022), r"/notices/[^/]+\.html$")
    expect(h1(page)).to_have_text(NOTICE_2022)

    # The 信息公开 metadata table of a 政务公开 page.
    meta = page.locator("table.gk-meta")
    expect(meta).to_be_visible()
    expect(meta.locator("th")).to_have_text(
        ["索引号", "发文机关", "发文字号", "成文日期", "发布日期", "主题分类", "公开属性", "有效性"]
    )
    assert re.fullmatch(r"AW-2022-\d{5}", meta_value(page, "索引号")), meta_value(page, "索引号")
    assert meta_value(page, "发文字号") == NOTICE_2022_NUMBER
    assert meta_value(page, "发文机关") == "晋江市人民政府"
    assert meta_value(page, "成文日期") == "2022年11月23日"
    assert meta_value(page, "公开属性") == "主动公开"
    assert meta_value(page, "有效性") == "有效"
    expect(page.locator(".md-content p.doc-number")).to_have_text(NOTICE_2022_NUMBER)

    # 层次序数: the three numbered paragraphs, in order, each starting with its 一、二、三、.
    numbered = page.locator(".md-content p").filter(has_text=re.compile(r"^\s*[一二三四五六七八九十]+、"))
    expect(numbered).to_have_count(3)
    texts = numbered.all_inner_texts()
    assert [t.strip()[:2] for t in texts] == ["一、", "二、", "三、"], texts
    assert texts[0].strip().startswith("一、精心组织实施")
    expect(page.locator(".md-content p.signature")).to_have_text("晋江市人民政府")
    shot(page, "02-notice-2022")

    # Its attachment: 共性/个性 targets and the per-town indicator table.
    click_through(page, page.get_by_role("link", name=NOTICE_2022_ATTACHMENT), r"/notices/[^/]+/[^/]+\.html$")
    expect(h1(page)).to_have_text("2022年度安全生产和消防工作目标责任")
    expect(page.locator(".md-content h2", has_text="一、共性工作目标")).to_be_visible()
    expect(page.locator("table.indicator-table")).to_contain_text("市政消火栓")

    # Seed 001: the notice lists 附件2…; 附件6 holds 重点项目清单 task tables.
    page.goto(portal.url("index.html"))
    click_through(page, section_list(page, "最新公开").get_by_role("link", name=NOTICE_001), r"/notices/[^/]+\.html$")
    expect(h1(page)).to_have_text(NOTICE_001)
    click_through(page, page.get_by_role("link", name=ATTACHMENT_FIRE), r"/notices/[^/]+/[^/]+\.html$")
    expect(h1(page)).to_have_text(ATTACHMENT_FIRE.split("：", 1)[1])

    table = page.locator("table.task-list").first
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(["专题/项目", "工作任务", "工作内容", "责任单位"])
    merged = table.locator("td[rowspan]").first
    expect(merged).to_be_visible()
    span = int(merged.get_attribute("rowspan") or "1")
    assert span > 1
    # A merged cell really spans its rows: as tall as the rows it covers.
    first_row = table.locator("tbody tr").first
    rows_height = sum(
        table.locator("tbody tr").nth(i).bounding_box()["height"]  # type: ignore[index]
        for i in range(span)
    )
    assert merged.bounding_box()["height"] >= rows_height - 2  # type: ignore[index]
    # The seed lists these units without saying who leads: linked, shown as written, no role guessed.
    units_cell = first_row.locator("td").last
    expect(units_cell.locator("a.unit-link").first).to_be_visible()
    expect(units_cell).not_to_contain_text("牵头：")
    expect(units_cell).to_contain_text("原文：")
    scroll_to(page, table)
    shot(page, "03-attachment-task-table", full_page=False)

    # A unit named in the table links to its unit page.
    unit_link = table.locator("a.unit-link", has_text=re.compile(rf"^{FIRE_BRIGADE}$")).first
    expect(unit_link).to_be_visible()
    click_through(page, unit_link, r"/units/(?!index\.html)[a-z0-9-]+\.html$")
    expect(h1(page)).to_have_text(FIRE_BRIGADE)
    summary = page.locator(".md-content p", has_text="涉及").first.inner_text()
    match = re.search(r"涉及(\d+)份公开文件，共(\d+)项：(.+)。", summary)
    assert match, summary
    documents, total = int(match.group(1)), int(match.group(2))
    kinds = {label: int(n) for label, n in re.findall(r"([^、\d]+?)(\d+)项", match.group(3))}
    assert documents >= 1 and sum(kinds.values()) == total, summary
    # The per-year summary adds up to the total; the page lists the year it marks, as counted in its row.
    totals = page.locator("table.unit-summary tbody tr td:last-child").all_inner_texts()
    assert sum(int(t) for t in totals) == total, totals
    assert_lists_its_marked_year(page)
    task_rows = page.locator("table.unit-tasks tbody tr")
    assert task_rows.count() >= 1
    shot(page, "04-unit-page", full_page=False)

    # Each task row links back to the task in its document, which is highlighted.
    source = task_rows.first.locator("a[href*='#task-']").first
    click_through(page, source, r"/notices/.+\.html#task-[0-9a-f-]+$")
    target = page.locator("tr:target")
    expect(target).to_be_in_viewport()
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 248, 225)"
    visit.assert_clean()


def test_unit_page__other_years_are_on_their_own_pages_linked_both_ways(visit: Visit, portal: Portal, site_dir: Path):
    """Issue 17: a unit page lists its newest year; each other year (未标注年度 too) has a page of its own."""
    year_pages = sorted(site_dir.glob("units/*/*.html"))
    assert year_pages, "the seeds give some unit dated and undated items: it should have a year page"
    unit_page = year_pages[0].parent.with_suffix(".html").relative_to(site_dir).as_posix()
    page = visit.page
    page.goto(portal.url(unit_page))
    name = h1(page).inner_text()
    assert_lists_its_marked_year(page)
    other_year = page.locator("table.unit-summary tbody td a").first
    year = other_year.inner_text()
    click_through(page, other_year, r"/units/[a-z0-9-]+/(\d{4}|unknown)\.html$")
    expect(h1(page)).to_have_text(f"{name} · {year}")
    assert_lists_its_marked_year(page)
    shot(page, "04b-unit-year-page", full_page=False)
    click_through(page, page.get_by_role("link", name=f"返回{name}"), re.escape(portal.url(unit_page)) + "$")
    visit.assert_clean()


# --- search ---------------------------------------------------------------------------------

# What a first query may download (issue 15: under 300 KB even at 1,000 notices).
SEARCH_BUDGET_BYTES = 300_000


def pagefind_records(site_dir: Path, bundle: str = "pagefind") -> list[dict[str, Any]]:
    """Pagefind's record of every page of a bundle (title, notice, text without word separators)."""
    records = []
    for path in sorted((site_dir / bundle / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes()).decode("utf-8")
        record = json.loads(data[data.index("{") :])
        record["content"] = record["content"].replace("\u200b", "")
        records.append(record)
    return records


def titles_containing(site_dir: Path, phrase: str, bundle: str = "pagefind") -> list[str]:
    return sorted(r["meta"]["title"] for r in pagefind_records(site_dir, bundle) if phrase in r["content"])


def search_files(portal: Portal, since: int) -> list[str]:
    """Site paths of the search files (both bundles) the browser asked for since hit number ``since``."""
    paths = {urllib.parse.urlsplit(path).path for path, _ in portal.hits[since:]}
    return sorted(p[len(PORTAL_PREFIX) :] for p in paths if p.startswith(PORTAL_PREFIX + "pagefind"))


def served_bytes(site_dir: Path, paths: list[str]) -> int:
    """What nginx sends for these files: the export's ``.gz`` where there is one (gzip_static), else the file."""
    total = 0
    for path in paths:
        packed = site_dir / (path + ".gz")
        total += (packed if packed.is_file() else site_dir / path).stat().st_size
    return total


def more_results(page: Page, items, wanted: int) -> list[str]:
    """The result titles after pressing 显示更多结果 until ``wanted`` are listed (or there are no more)."""
    more = page.locator("[data-gk-search-more]")
    while items.count() < wanted and more.is_visible():
        shown = items.count()
        more.click()
        expect(items).not_to_have_count(shown)
    return result_titles(items)


def test_search__nothing_fetched_until_used_then_the_exact_phrase_ranks_first(
    visit: Visit, portal: Portal, site_dir: Path
):
    page = visit.page
    start = len(portal.hits)
    page.goto(portal.url("index.html"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert search_files(portal, start) == [], "the search index was fetched before the reader used the box"

    # A 文号: the notice that carries it comes first.
    items = search(page, NOTICE_2022_NUMBER)
    assert result_titles(items)[0] == NOTICE_2022
    fetched = search_files(portal, start)
    assert "pagefind/pagefind.js" in fetched and any(p.endswith(".pf_fragment") for p in fetched), fetched
    # Only the shown results' page texts, and no web worker (assets/gk-search.js).
    assert len([p for p in fetched if p.endswith(".pf_fragment")]) <= items.count(), fetched
    assert "pagefind/pagefind-worker.js" not in fetched, fetched
    # The 目标责任书 are a bundle of their own, not loaded for a first query.
    assert not [p for p in fetched if p.startswith("pagefind-letters/")], fetched
    size = served_bytes(site_dir, fetched)
    print(f"first query {NOTICE_2022_NUMBER}: {len(fetched)} search files, {size} bytes")
    assert size < SEARCH_BUDGET_BYTES, (size, fetched)
    shot(page, "05-search-results", full_page=False)

    # A task term: every page holding the exact phrase is listed before pages with only its words.
    items = search(page, "消防车通道")
    containing = titles_containing(site_dir, "消防车通道")
    titles = more_results(page, items, len(containing))
    assert NOTICE_003 in containing and 0 < len(containing) <= len(titles), (containing, titles)
    assert sorted(titles[: len(containing)]) == containing, titles
    # A result: title, the notice an attachment belongs to, a short excerpt with the words marked.
    result = items.filter(has=page.locator(".gk-search-result__title", has_text="消防安全专项整治三年行动重点项目清单"))
    expect(result.locator(".gk-search-result__notice")).to_have_text(re.compile(r"^所属文件：.+"))
    excerpt = result.locator(".gk-search-result__excerpt")
    assert 0 < len(excerpt.inner_text()) < 200 and excerpt.locator("mark").count() > 0

    # A unit name: the unit's page first.
    items = search(page, FIRE_BRIGADE)
    assert result_titles(items)[0] == FIRE_BRIGADE
    expect(items.first.locator(".gk-search-result__notice")).to_have_text("责任单位")

    # Opening a result, then searching again one folder down (the bundle's URL is relative).
    items = search(page, "消防车通道")
    link = items.filter(has=page.locator(".gk-search-result__title", has_text=NOTICE_003)).locator("a")
    href = link.get_attribute("href") or ""
    click_through(page, link, r"/notices/[^/]+\.html$")
    assert portal_path(page.url) == portal_path(urllib.parse.urljoin(portal.url("index.html"), href))
    expect(h1(page)).to_have_text(NOTICE_003)
    expect(page.locator(".md-content")).to_contain_text("消防车通道")
    items = search(page, "市政消火栓")
    containing = titles_containing(site_dir, "市政消火栓")
    assert containing and sorted(more_results(page, items, len(containing))[: len(containing)]) == containing
    visit.assert_clean()


def test_search__a_phrase_only_a_letter_holds_is_found_through_more_results(
    visit: Visit, portal: Portal, site_dir: Path
):
    assert titles_containing(site_dir, LETTER_ONLY_PHRASE) == []
    assert titles_containing(site_dir, LETTER_ONLY_PHRASE, "pagefind-letters") == [LETTER_ONLY_TITLE]
    page = visit.page
    page.goto(portal.url("index.html"))
    start = len(portal.hits)
    box = page.locator("input.md-search__input")
    box.click()
    status = page.locator("[data-gk-search-status]")
    expect(status).to_have_text(SEARCH_PROMPT)
    box.press_sequentially(LETTER_ONLY_PHRASE, delay=30)
    # The notices, attachments and units have no page with the phrase; the letters were not searched yet.
    expect(status).not_to_have_text(re.compile("正在|输入"))
    more = page.locator("[data-gk-search-more]")
    expect(more).to_be_visible()
    assert not [p for p in search_files(portal, start) if p.startswith("pagefind-letters/")]
    items = page.locator(".md-search-result__item")
    titles: list[str] = []
    while LETTER_ONLY_TITLE not in titles and more.is_visible():
        shown = items.count()
        # Pressed twice at once (an impatient reader): the letters are still searched and listed once.
        more.evaluate("button => { button.click(); button.click(); }")
        expect(items).not_to_have_count(shown)
        page.wait_for_timeout(300)
        titles = result_titles(items)
    assert LETTER_ONLY_TITLE in titles, titles
    assert titles.count(LETTER_ONLY_TITLE) == 1 and len(set(titles)) == len(titles), titles
    assert titles.index(LETTER_ONLY_TITLE) >= len(
        [r for r in pagefind_records(site_dir) if r["meta"]["title"] in titles]
    ), "letters come after the notices, attachments and units"
    expect(status).to_have_text(re.compile(r"^找到 \d+ 个结果$"))
    fetched = search_files(portal, start)
    assert "pagefind-letters/pagefind.js" in fetched, fetched
    letter = items.filter(has=page.locator(".gk-search-result__title", has_text=LETTER_ONLY_TITLE))
    expect(letter.locator(".gk-search-result__notice")).to_have_text(re.compile(r"^所属文件：.+"))
    expect(letter.locator("mark").first).to_be_visible()
    click_through(page, letter.locator("a"), r"/notices/.+\.html$")
    expect(h1(page)).to_have_text(LETTER_ONLY_TITLE)
    visit.assert_clean()


# --- print ----------------------------------------------------------------------------------


def test_print__notice_prints_without_site_chrome(visit: Visit, portal: Portal, site_dir: Path):
    page = visit.page
    page.goto(portal.url("index.html"))
    click_through(page, section_list(page, "最新公开").get_by_role("link", name=NOTICE_2022), r"/notices/[^/]+\.html$")
    page.emulate_media(media="print")
    for selector in (
        ".md-header",
        ".md-sidebar--primary",
        ".md-sidebar--secondary",
        ".md-footer",
        ".md-search",
        ".md-top",
    ):
        element = page.locator(selector).first
        if element.count():
            display = element.evaluate("el => getComputedStyle(el).display")
            assert display == "none" or not element.is_visible(), (selector, display)
    expect(h1(page)).to_be_visible()
    expect(page.locator("table.gk-meta")).to_be_visible()
    assert h1(page).evaluate("el => getComputedStyle(el).textAlign") == "center"
    body = page.locator(".md-content p").filter(has_text=re.compile(r"^\s*一、")).first
    assert body.evaluate("el => getComputedStyle(el).textIndent") != "0px"

    shot(page, "06-notice-print")
    pdf = ARTIFACTS / "06-notice-print.pdf"
    data = page.pdf(path=str(pdf), format="A4", print_background=True)
    assert data.startswith(b"%PDF-") and len(data) > 20_000, len(data)
    pages = re.findall(rb"/Type\s*/Page(?!s)", data)
    boxes = {tuple(round(float(x)) for x in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert len(pages) >= 2, len(pages)
    assert boxes == {(0, 0, 596, 843)}, boxes  # A4 in points
    visit.assert_clean()


def page_titled(site_dir: Path, title: str) -> str:
    """The site path of the built page whose heading is ``title``."""
    heading = f">{title}</h1>"
    (path,) = [p for p in (site_dir / "notices").rglob("*.html") if heading in p.read_text(encoding="utf-8")]
    return path.relative_to(site_dir).as_posix()


def pdf_page_text(pdf: Path, number: int) -> str:
    """The text of one page of a PDF, without spaces (poppler's pdftotext)."""
    out = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(out.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_print__a_task_list_prints_landscape_with_its_table_on_the_first_page(
    visit: Visit, portal: Portal, site_dir: Path
):
    """A page that is a task table printed its title alone on a portrait page 1, the table from page 2."""
    page = visit.page
    for n, title in enumerate((TASK_LIST_ATTACHMENT, NOTICE_003), start=1):
        page.goto(portal.url(page_titled(site_dir, title)))
        page.wait_for_load_state("load")
        pdf = ARTIFACTS / f"07-task-list-print-{n}.pdf"
        data = page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        boxes = {tuple(round(float(x)) for x in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
        assert boxes == {(0, 0, 842, 595)}, (title, boxes)  # A4 landscape, every page
        first, second = pdf_page_text(pdf, 1), pdf_page_text(pdf, 2)
        assert title in first and "工作任务" in first, first
        assert len(first) > 300, (title, first)  # the title and a good part of the table, not the title alone
        assert "工作任务" in second  # the header row repeated
    visit.assert_clean()


# --- opened from disk -----------------------------------------------------------------------


def test_disk__site_opens_from_file_url_and_relative_links_work(visit: Visit, site_dir: Path):
    page = visit.page
    page.goto((site_dir / "index.html").as_uri())
    expect(h1(page)).to_have_text("安全生产和消防工作目标责任")
    # The stylesheets loaded (relative paths): Material's header is styled.
    assert page.locator(".md-header").evaluate("el => getComputedStyle(el).position") == "sticky"

    click_through(
        page, section_list(page, "最新公开").get_by_role("link", name=NOTICE_2022), r"^file://.+/notices/[^/]+\.html$"
    )
    expect(h1(page)).to_have_text(NOTICE_2022)
    shot(page, "09-disk-notice", full_page=False)
    click_through(page, page.get_by_role("link", name=NOTICE_2022_ATTACHMENT), r"^file://.+/notices/[^/]+/[^/]+\.html$")
    expect(h1(page)).to_have_text("2022年度安全生产和消防工作目标责任")
    unit = page.locator("a.unit-link").first
    name = unit.inner_text()
    click_through(page, unit, r"^file://.+/units/(?!index\.html)[a-z0-9-]+\.html$")
    expect(h1(page)).to_have_text(name)
    # Back up to the home page through the header's relative link.
    click_through(page, page.locator("a.md-header__button.md-logo"), r"^file://.+/index\.html$")
    expect(h1(page)).to_have_text("安全生产和消防工作目标责任")

    assert all(urllib.parse.urlsplit(u).scheme in {"file", "data", "blob"} for u in visit.requests), {
        u for u in visit.requests if not u.startswith(("file:", "data:", "blob:"))
    }
    # Search needs the site served over HTTP (a browser refuses to import scripts from disk): it says so.
    search_box = page.locator("input.md-search__input")
    search_box.click()
    expect(page.locator("[data-gk-search-status]")).to_contain_text("通过网站地址")
    visit.assert_clean()


# --- phone ----------------------------------------------------------------------------------


def test_phone__task_table_scrolls_inside_its_box(open_visit: Callable[..., Visit], portal: Portal):
    visit = open_visit(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = visit.page
    page.goto(portal.url("index.html"))
    click_through(page, section_list(page, "最新公开").get_by_role("link", name=NOTICE_001), r"/notices/[^/]+\.html$")
    click_through(page, page.get_by_role("link", name=ATTACHMENT_FIRE), r"/notices/[^/]+/[^/]+\.html$")

    width = PHONE["width"]
    layout = page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
            tables: [...document.querySelectorAll('table.task-list')].map(table => {
                let box = table, scrolls = false;
                for (; box && box !== document.body; box = box.parentElement) {
                    if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) { scrolls = true; break; }
                }
                const rect = table.getBoundingClientRect();
                return {left: rect.left, right: rect.right, scrolls,
                        boxWidth: box ? box.clientWidth : 0, contentWidth: box ? box.scrollWidth : 0};
            }),
        })"""
    )
    assert layout["tables"], "no task table on the page"
    assert layout["scrollWidth"] <= width + 2, layout
    for table in layout["tables"]:
        assert table["right"] <= width + 1 and table["left"] >= -1, table
        assert table["scrolls"] or table["contentWidth"] <= table["boxWidth"] + 1, table

    # The table's own scroll box really scrolls sideways, the page does not.
    table = page.locator("table.task-list").first
    scroll_to(page, table)
    scrolled = table.evaluate("el => { el.scrollLeft = 60; return el.scrollLeft; }")
    overflowing = table.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scrolled > 0 or not overflowing
    table.evaluate("el => { el.scrollLeft = 0; }")
    assert page.evaluate("() => window.scrollX") == 0
    # Chinese text is not squeezed into one character per line: every column
    # keeps room for several characters (the table scrolls instead).
    narrowest = table.evaluate(
        """el => Math.min(...[...el.querySelectorAll('tbody td')].map(td => {
            const cs = getComputedStyle(td);
            const inner = td.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
            return inner / parseFloat(cs.fontSize);
        }))"""
    )
    assert narrowest >= 4, f"a column holds only {narrowest:.1f} characters per line"
    shot(page, "07-phone-task-table", full_page=False)

    # The unit page's task table behaves the same way.
    click_through(page, table.locator("a.unit-link").first, r"/units/(?!index\.html)[a-z0-9-]+\.html$")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 2
    shot(page, "08-phone-unit-page", full_page=False)
    visit.assert_clean()
