"""The public site as an older reader on a phone and a 政府网站 inspector meet it.

One export of the five seeds, with the admin's 网站标识 filled in, served
under a portal sub-path by the same loopback server as test_public_site.py
(missing files answer with the site's own 404 page, as nginx's
``error_page`` does).  In Debian's chromium:

* axe-core (npm, tests/browser/package.json) reports 0 WCAG 2.1 A/AA
  violations on every page template, on a desktop and on a phone;
* no page is wider than a 320 or 390 px screen, and task rows read as cards;
* every Tab stop is visible (the closed drawer takes none), and the menu drawer opens,
  is walked and closes by keyboard alone;
* 长者模式 enlarges the text and survives a reload and another page;
* the footer carries the site identity, pages carry the 政府网站 meta tags,
  and the 2022 notice is dated 2022, not the day of the export.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from playwright.sync_api import Page, expect
from wagtail.models import Site

from cms.importer.service import import_documents
from cms.publishing.identity import SiteIdentity
from tests.browser import test_public_site
from tests.browser.conftest import search
from tests.browser.test_public_site import (
    ARTIFACTS as ARTIFACTS_DIR,
)
from tests.browser.test_public_site import (
    DESKTOP,
    LOOPBACK,
    NOTICE_2022,
    NOTICE_2022_NUMBER,
    PHONE,
    PORTAL_PREFIX,
    SEEDS,
    Portal,
    PortalHandler,
    PortalServer,
    shot,
)

# The browser and the recording visit fixtures are shared with the other public-site tests.
chromium = test_public_site.chromium
open_visit = test_public_site.open_visit

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IDENTITY = {
    "site_url": "https://www.example.gov.cn/zwgk/aqsc/",
    "sponsor": "晋江市安全生产委员会办公室",
    "organiser": "晋江市应急管理局",
    "contact_phone": "0595-12345678",
    "contact_email": "aqsc@example.gov.cn",
    "site_code": "3505820001",
    "icp_number": "闽ICP备12345678号",
    "police_number": "闽公网安备35058202000001号",
    "error_report_url": "https://www.example.gov.cn/zc/",
    "on_request_url": "https://www.example.gov.cn/ysqgk/",
}


@pytest.fixture(scope="module")
def site_dir(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """The five seeds and a filled-in 网站标识, exported; the database is rolled back."""
    root = tmp_path_factory.mktemp("public-site-a11y")
    log = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        assert "memory" in str(connection.settings_dict["NAME"]) or "test" in str(connection.settings_dict["NAME"])
        import_documents([(p.name, p.read_bytes()) for p in SEEDS], publish=True, disclosure="主动公开")
        SiteIdentity.objects.update_or_create(site=Site.objects.get(is_default_site=True), defaults=IDENTITY)
        call_command("export_site", "--out", str(root / "site"), "--src", str(root / "src"), stdout=log)
        transaction.set_rollback(True)
    assert "完成：" in log.getvalue(), log.getvalue()
    return root / "site"


class NotFoundPageHandler(PortalHandler):
    """Inside the column, a missing file gets the site's 404.html with status 404 (nginx ``error_page``)."""

    site: Path

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site / "404.html"
        if code != 404 or not self._in_portal() or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def portal(site_dir: Path) -> Iterator[Portal]:
    hits: list[tuple[str, int]] = []
    handler = type("Handler", (NotFoundPageHandler,), {"hits": hits, "site": site_dir})
    server = PortalServer((LOOPBACK, 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, name="portal-a11y", daemon=True)
    thread.start()
    try:
        yield Portal(f"http://{LOOPBACK}:{server.server_address[1]}{PORTAL_PREFIX}", hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _largest(site_dir: Path, pattern: str, marker: str) -> str:
    """The page under ``pattern`` with the most ``marker`` occurrences, as a site path."""
    counted = [(p.read_text(encoding="utf-8").count(marker), p) for p in site_dir.glob(pattern)]
    count, path = max(counted)
    assert count, f"no page under {pattern} has {marker!r}"
    return path.relative_to(site_dir).as_posix()


@pytest.fixture(scope="module")
def templates(site_dir: Path) -> dict[str, str]:
    """One page of every template, found in the built site."""
    notice = next(
        p for p in site_dir.glob("notices/*.html") if NOTICE_2022_NUMBER in p.read_text(encoding="utf-8")
    ).relative_to(site_dir)
    return {
        "home": "index.html",
        "notice": notice.as_posix(),
        "attachment-task-table": _largest(site_dir, "notices/**/*.html", '<tr id="task-'),
        "indicator-table": _largest(site_dir, "notices/**/*.html", 'class="indicator-table"'),
        "letter": _largest(site_dir, "notices/**/*.html", 'class="letter-unit"'),
        "unit": _largest(site_dir, "units/*.html", "<tr>"),
        "unit-year": _largest(site_dir, "units/*/*.html", "<tr>"),  # a unit's earlier year (issue 17)
        "units-index": "units/index.html",
        "years-index": "years/index.html",
        "year": "years/2022.html",
        "issuers-index": "issuers/index.html",
        "topics-index": "topics/index.html",
        "downloads": "downloads.html",
        "site-map": "site-map.html",
        "404": "no/such/page.html",
    }


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
            .map(v => v.id + ' (' + v.nodes.length + '): '
                 + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""",
        WCAG_TAGS,
    )
    return list(found)


def open_page(visit, portal: Portal, path: str):
    response = visit.page.goto(portal.url(path))
    visit.page.wait_for_load_state("load")
    return response


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe__no_wcag_violation_on_any_template(open_visit, portal: Portal, templates: dict[str, str], viewport):
    assert AXE_SCRIPT.is_file(), "axe-core missing: scripts/test.sh runs npm ci --prefix tests/browser"
    visit = open_visit(viewport)
    report = {}
    for name, path in templates.items():
        response = open_page(visit, portal, path)
        assert response is not None and response.status == (404 if name == "404" else 200), (name, path)
        report[name] = axe_violations(visit.page)
    assert {name: v for name, v in report.items() if v} == {}
    # The 404 page under the sub-path found its styles (links are absolute to the column).
    open_page(visit, portal, "no/such/page.html")
    page = visit.page
    expect(page.locator(".md-header")).to_be_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") in {"sticky", "fixed"}
    visit.assert_clean(allowed_errors=re.compile(r"no/such/page\.html"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe__no_wcag_violation_in_search_results(open_visit, portal: Portal, viewport):
    visit = open_visit(viewport)
    open_page(visit, portal, "index.html")
    if viewport["width"] < 960:  # below 60em Material opens search from the header's button
        visit.page.locator("label.md-header__button[for='__search']").click()
    search(visit.page, "消防车通道")
    shot(visit.page, f"a11y-search-{viewport['width']}", full_page=False)
    assert axe_violations(visit.page) == []


@pytest.mark.parametrize("width", [320, 390])
def test_phone__no_page_is_wider_than_the_screen(open_visit, portal: Portal, templates: dict[str, str], width: int):
    visit = open_visit({"width": width, "height": 800}, is_mobile=True, has_touch=True)
    wide = {}
    for name, path in templates.items():
        open_page(visit, portal, path)
        scroll_width = visit.page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[name] = scroll_width
        if name in {"attachment-task-table", "indicator-table", "unit", "downloads"}:
            shot(visit.page, f"a11y-{width}-{name}", full_page=False)
    assert wide == {}


def test_phone__task_rows_read_as_labelled_cards(open_visit, portal: Portal, templates: dict[str, str]):
    visit = open_visit(PHONE, is_mobile=True, has_touch=True)
    page = visit.page
    open_page(visit, portal, templates["attachment-task-table"])
    row = page.locator("table.task-list tbody tr").nth(1)
    row.scroll_into_view_if_needed()
    cells = row.evaluate(
        """tr => [...tr.children].filter(td => td.offsetParent !== null).map(td => ({
            label: td.dataset.label || '',
            before: getComputedStyle(td, '::before').content,
            width: td.getBoundingClientRect().width,
            weight: getComputedStyle(td).fontWeight,
        }))"""
    )
    labels = [c["label"] for c in cells]
    assert "工作任务" in labels and "责任单位" in labels, labels
    task = cells[labels.index("工作任务")]
    assert int(task["weight"]) >= 700 and task["before"] in {"none", "normal"}, task
    units = cells[labels.index("责任单位")]
    assert units["before"] == '"责任单位" "："' or "责任单位" in units["before"], units
    # A card is as wide as the content column, not squeezed into a table column.
    assert min(c["width"] for c in cells) > PHONE["width"] * 0.7, cells
    shot(page, "a11y-phone-task-card", full_page=False)

    # An indicator table keeps every column reachable: it scrolls inside its box and takes focus.
    open_page(visit, portal, templates["indicator-table"])
    table = page.locator("table.indicator-table").first
    assert table.get_attribute("tabindex") == "0"
    overflow = table.evaluate(
        "el => ({scrolls: getComputedStyle(el).overflowX, bg: getComputedStyle(el).backgroundImage})"
    )
    assert overflow["scrolls"] == "auto" and "gradient" in overflow["bg"], overflow


@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 640, "height": 900}, DESKTOP], ids=["phone", "zoom200", "desktop"]
)
def test_keyboard__every_tab_stop_is_visible(open_visit, portal: Portal, templates: dict[str, str], viewport):
    """Tab through a notice: each focused element is on screen, visible and outlined (no hidden drawer links)."""
    visit = open_visit(viewport)
    page = visit.page
    open_page(visit, portal, templates["notice"])
    invisible = []
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                el.scrollIntoView({block: 'center'});
                const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
                const visible = r.width > 0 && r.height > 0 && cs.visibility === 'visible'
                    && r.right > 0 && r.left < window.innerWidth && r.bottom > 0 && r.top < window.innerHeight;
                const name = (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20);
                return {what: el.tagName + ' ' + name,
                        visible, outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2};
            }"""
        )
        if state is None:
            break
        if not (state["visible"] and state["outline"]):
            invisible.append(state)
    assert invisible == []


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return {text: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30),
            inDrawer: !!el.closest('.md-sidebar--primary'),
            visible: r.width > 0 && r.height > 0 && cs.visibility === 'visible'
                && r.right > 0 && r.left < window.innerWidth && r.bottom > 0 && r.top < window.innerHeight,
            outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2};
}"""


def _tab_to(page: Page, name: str, limit: int = 10) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state and state["text"] == name:
            return state
    raise AssertionError(f"{name} never took the focus")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 640, "height": 900}], ids=["phone", "zoom200"])
def test_keyboard__menu_drawer_opens_walks_and_closes_without_a_mouse(
    open_visit, portal: Portal, templates: dict[str, str], viewport
):
    """The header's menu is a button: Enter/Space open the drawer with focus inside, Escape closes it."""
    visit = open_visit(viewport)
    page = visit.page
    open_page(visit, portal, templates["notice"])
    drawer = page.locator("#__drawer")
    button = page.locator("label.md-header__button[for='__drawer']")
    state = _tab_to(page, "导航菜单")
    assert state["visible"] and state["outline"], state
    expect(button).to_have_attribute("role", "button")
    expect(button).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(drawer).to_be_checked()
    expect(button).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(400)  # Material slides the drawer in over 0.25 s
    seen = []
    for _ in range(12):
        state = page.evaluate(FOCUSED)
        assert state is not None and state["inDrawer"] and state["visible"] and state["outline"], (state, seen)
        seen.append(state["text"])
        if state["text"] == "台账下载":
            break
        page.keyboard.press("Tab")
    assert "台账下载" in seen, seen
    shot(page, f"a11y-drawer-{viewport['width']}", full_page=False)

    page.keyboard.press("Escape")
    expect(drawer).not_to_be_checked()
    assert page.evaluate(FOCUSED)["text"] == "导航菜单"
    page.keyboard.press(" ")
    expect(drawer).to_be_checked()
    assert page.evaluate(FOCUSED)["inDrawer"]
    # Enter on a drawer link follows it; Tab out of the drawer closes it.
    with page.expect_navigation():
        page.locator(".md-sidebar--primary a", has_text="台账下载").focus()
        page.keyboard.press("Enter")
    assert page.url.endswith("downloads.html"), page.url
    _tab_to(page, "导航菜单")
    page.keyboard.press("Enter")
    expect(drawer).to_be_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(drawer).not_to_be_checked()
    visit.assert_clean()


def test_senior_mode__larger_text_that_persists(open_visit, portal: Portal, templates: dict[str, str]):
    visit = open_visit(PHONE, is_mobile=True, has_touch=True)
    page = visit.page
    open_page(visit, portal, templates["notice"])
    size = "() => parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)"
    line = "() => parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).lineHeight)"
    normal, normal_line = page.evaluate(size), page.evaluate(line)
    toggle = page.get_by_role("button", name="长者模式")
    toggle.click()
    expect(page.get_by_role("button", name="退出长者模式")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(size) >= normal * 1.25
    assert page.evaluate(line) / page.evaluate(size) > normal_line / normal
    shot(page, "a11y-senior-mode", full_page=False)
    page.reload()
    assert page.evaluate("() => document.documentElement.hasAttribute('data-gk-senior')")
    open_page(visit, portal, "index.html")
    assert page.evaluate(size) >= normal * 1.25
    assert axe_violations(page) == []
    page.get_by_role("button", name="退出长者模式").click()
    page.reload()
    assert page.evaluate(size) == pytest.approx(normal)
    visit.assert_clean()


def test_footer_meta_and_release_date(open_visit, portal: Portal, templates: dict[str, str], site_dir: Path):
    visit = open_visit(DESKTOP)
    page = visit.page
    for name in ("home", "unit", "404"):
        open_page(visit, portal, templates[name])
        footer = page.locator("footer.gk-footer")
        for value in (
            "晋江市安全生产委员会办公室",
            "晋江市应急管理局",
            "0595-12345678",
            "3505820001",
            "闽ICP备12345678号",
        ):
            expect(footer).to_contain_text(value)
        expect(footer.get_by_role("link", name="我为政府网站找错")).to_have_attribute(
            "href", IDENTITY["error_report_url"]
        )
        expect(footer.get_by_role("link", name="依申请公开")).to_have_attribute("href", IDENTITY["on_request_url"])
        expect(footer.get_by_role("link", name="网站地图")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.locator("meta[name=SiteIDCode]").get_attribute("content") == "3505820001"
        assert page.locator("meta[name=SiteDomain]").get_attribute("content") == "www.example.gov.cn"

    open_page(visit, portal, templates["notice"])
    meta = {
        name: page.locator(f"meta[name={name}]").get_attribute("content")
        for name in ("SiteName", "ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource")
    }
    assert meta["ArticleTitle"] == NOTICE_2022
    assert meta["PubDate"].startswith("2022-"), meta
    assert meta["ContentSource"] == "晋江市人民政府" and meta["ColumnName"] and meta["ColumnType"], meta
    released = page.locator("table.gk-meta tr", has=page.locator("th:text-is('发布日期')")).locator("td").inner_text()
    assert released.startswith("2022年"), released
    # The home page's 最新公开 dates the notice the same way.
    open_page(visit, portal, "index.html")
    item = page.locator(".md-content li", has=page.get_by_role("link", name=NOTICE_2022))
    expect(item).to_contain_text("2022年")
    assert page.locator("meta[name=ArticleTitle]").count() == 0

    robots = (site_dir / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://www.example.gov.cn/zwgk/aqsc/sitemap.xml" in robots
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://www.example.gov.cn/zwgk/aqsc/notices/" in sitemap
    assert not (site_dir / "site-identity.json").exists()
    visit.assert_clean(allowed_errors=re.compile(r"no/such/page\.html"))


def test_print__red_banner_number_above_title_page_numbers_and_landscape_task_tables(
    open_visit, portal: Portal, templates: dict[str, str]
):
    visit = open_visit(DESKTOP)
    page = visit.page
    open_page(visit, portal, templates["notice"])
    page.emulate_media(media="print")
    mark, number, title = page.locator(".issuer-mark"), page.locator(".doc-number"), page.locator(".md-content h1")
    expect(mark).to_have_text("晋江市人民政府文件")
    assert mark.evaluate("el => getComputedStyle(el).color") == "rgb(204, 0, 0)"
    assert number.evaluate("el => getComputedStyle(el).borderBottomColor") == "rgb(204, 0, 0)"
    tops = [loc.bounding_box()["y"] for loc in (mark, number, title)]
    assert tops == sorted(tops), tops
    shot(page, "a11y-print-notice", full_page=False)
    page.emulate_media(media="screen")
    expect(mark).to_be_hidden()

    open_page(visit, portal, templates["attachment-task-table"])
    page.emulate_media(media="print")  # page.pdf keeps an emulated screen medium
    data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    boxes = [tuple(round(float(x)) for x in b.split()) for b in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)]
    assert (0, 0, 842, 595) in boxes, set(boxes)  # the task table's pages in landscape
    (ARTIFACTS_DIR / "a11y-print-task-table.pdf").write_bytes(data)
    visit.assert_clean()
