"""Fixtures and helpers for the Playwright browser tests (``-m browser``).

Debian's chromium is driven through Playwright's sync API against
pytest-django's ``live_server``.  No browser is ever downloaded.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread, which trips
# Django's async-unsafe guard on every ORM call made by the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACTION_TIMEOUT_MS = 15_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "secret-pass-123"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests when chromium is missing on a developer's machine.

    Never in CI: there a missing browser must fail, not pass as skipped.
    """
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_db_lock(live_server) -> Iterator[threading.RLock]:
    """One lock around every live-server request; hold it for the test's own ORM calls.

    On SQLite in memory, pytest-django hands the test's single database
    connection to every request thread of the live server, and Django warns
    that simultaneous queries through it fail at random.  A browser sends
    requests at once (a page, Wagtail's autosave, editing-session pings and
    beacons, the preview), which gave "database table is locked" server
    errors.  So requests run one at a time, and the test wraps its queries
    in ``with live_db_lock:``.  With PostgreSQL the lock costs nearly nothing.

    At the end of the test the server stops answering (503) before the
    database is flushed: a closing page still sends requests (the editing
    session's release beacon), and one of them writing while the flush ran
    made the flush fail ("couldn't be flushed") and the next test start on
    the previous test's rows.
    """
    httpd = live_server.thread.httpd
    gate = getattr(httpd, "serialising_gate", None)
    if gate is None:
        gate = _Gate()
        gate.wrap(httpd)
        httpd.serialising_gate = gate
    with gate.lock:
        gate.open = True
    yield gate.lock
    with gate.lock:  # waits for a request in flight
        gate.open = False


@pytest.fixture(autouse=True)
def _live_requests_gated(request: pytest.FixtureRequest) -> None:
    """Every test of the live server goes through :func:`live_db_lock`, even one that asks for no page.

    Once one test has wrapped the session's server, a test without the
    fixture would find the gate closed by the test before it.
    """
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_db_lock")


class _Gate:
    """Serialises the live server's requests; refuses them between tests."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.open = True

    def wrap(self, httpd: Any) -> None:
        app = httpd.get_app()

        def serialised_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with self.lock:
                if not self.open:
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                    return [b"test over"]
                response = app(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()

        httpd.set_app(serialised_app)


class Network:
    """The page's fetch/XHR requests still in flight, and when the last one moved."""

    def __init__(self, page: Page) -> None:
        self.pending: set[Any] = set()
        self.last_change = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Any) -> None:
        if request.resource_type in {"fetch", "xhr"}:
            self.pending.add(request)
            self.last_change = time.monotonic()

    def _ended(self, request: Any) -> None:
        if request in self.pending:
            self.pending.discard(request)
            self.last_change = time.monotonic()


@pytest.fixture
def page(browser: Browser, live_db_lock, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    page.network = Network(page)  # type: ignore[attr-defined]
    yield page
    if errors:
        print("JavaScript errors in the browser:", *errors, sep="\n  ")
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        shoot(page, f"{request.node.name}-FAILED")
        dump(page, f"{request.node.name}-FAILED")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def admin_credentials(transactional_db, django_user_model) -> tuple[str, str]:
    django_user_model.objects.create_superuser(ADMIN_USERNAME, "admin@example.com", ADMIN_PASSWORD)
    return ADMIN_USERNAME, ADMIN_PASSWORD


@pytest.fixture
def site_index(transactional_db):
    """首页 → 公文库, created in the database the live server sees."""
    from cms.documents.setup import ensure_site_structure

    return ensure_site_structure()


# A fetch cut short by leaving the page (autosave, editing-session ping) is
# reported as an uncaught error by Chromium; it says nothing about the page.
NAVIGATION_NOISE = re.compile(r"Failed to fetch|NetworkError|AbortError|aborted a request", re.IGNORECASE)


def js_errors(page: Page) -> list[str]:
    """Uncaught JavaScript errors seen on ``page`` so far, navigation noise left out."""
    return [e for e in page.js_errors if not NAVIGATION_NOISE.search(e)]  # type: ignore[attr-defined]


REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI} in ${event.documentURI}`);
});
"""


@pytest.fixture
def violations(page: Page) -> list[str]:
    """Content-Security-Policy violations on every page and frame ``page`` opens (DOM events and console)."""
    found: list[str] = []

    def report(text: str) -> None:
        found.append(text)

    page.expose_function("reportCspViolation", report)
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return found


# --- artifacts ------------------------------------------------------------------


def _artifact(name: str, suffix: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}{suffix}"


def shoot(page: Page, name: str) -> Path:
    """Full-page screenshot into test-artifacts/browser/."""
    path = _artifact(name, ".png")
    # A failed screenshot must never mask the real failure.
    with contextlib.suppress(Exception):
        page.screenshot(path=str(path), full_page=True)
    return path


def dump(page: Page, name: str) -> Path:
    """The current DOM into test-artifacts/browser/, for writing selectors."""
    path = _artifact(name, ".html")
    with contextlib.suppress(Exception):
        path.write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
    return path


# --- Wagtail admin helpers ------------------------------------------------------


def admin_login(page: Page, base_url: str, username: str, password: str) -> None:
    """Log in through /admin/login/ and wait for the dashboard."""
    page.goto(f"{base_url}/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


# Wagtail 8 autosaves edit forms: a change is noticed within 0.5 s, announced
# 0.53 s later, and posted after a further 0.5 s debounce.
AUTOSAVE_SETTLE_MS = 2_000


def wait_for_quiet(page: Page, settle_ms: int = AUTOSAVE_SETTLE_MS, quiet_ms: int = 300) -> None:
    """Let Wagtail's autosave (and preview refresh) fire and finish before a click that saves.

    Saving while an autosave of the same create form is in flight could post
    the form twice.
    """
    page.wait_for_timeout(settle_ms)
    network: Network = page.network  # type: ignore[attr-defined]
    indicator = page.locator('#w-autosave-indicator[data-w-autosave-state-value="saving"]')
    deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
    while network.pending or time.monotonic() - network.last_change < quiet_ms / 1000 or indicator.count():
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never went quiet: {[r.url for r in network.pending]}")
        page.wait_for_timeout(100)


def footer(page: Page):
    return page.locator("footer nav.actions--primary")


def save_draft(page: Page) -> int:
    """Click 保存草稿 and return the id of the page now being edited.

    A form with errors comes back on the same URL: report its errors instead
    of waiting for an edit URL that will never come.
    """
    wait_for_quiet(page)
    with page.expect_navigation():
        footer(page).locator("button.action-save").click()
    expect_no_form_errors(page)
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    expect(page.locator(".messages .success").first).to_be_visible()
    return edited_page_id(page)


def publish(page: Page) -> None:
    """Open the footer dropdown and click 发布; Wagtail then shows the parent's listing."""
    wait_for_quiet(page)
    footer(page).locator(".w-dropdown__toggle").click()
    footer(page).locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    expect(page.locator(".messages .success").first).to_be_visible()


def edited_page_id(page: Page) -> int:
    match = re.search(r"/admin/pages/(\d+)/edit/", page.url)
    assert match, page.url
    return int(match.group(1))


def expect_no_form_errors(page: Page) -> None:
    errors = page.locator(".messages .error, .w-field__errors .error-message, .help-critical")
    if errors.count():
        texts = " | ".join(t.strip() for t in errors.all_inner_texts())
        raise AssertionError(f"the admin form has errors: {texts}")


def add_child_page(page: Page, base_url: str, parent_id: int) -> None:
    """Explorer of ``parent_id`` → 添加子页面 (straight to the form when one type is allowed)."""
    page.goto(f"{base_url}/admin/pages/{parent_id}/")
    page.locator('a[aria-label="添加子页面"]').first.click()
    page.wait_for_url(re.compile(r"/admin/pages/add/"))
    expect(page.locator("form#page-edit-form")).to_be_visible()


# --- StreamField ------------------------------------------------------------------
#
# Wagtail names every input of a StreamField after its path: the stream ``body``
# has ``body-count``; its block N has ``body-N-type`` and fields
# ``body-N-value-<name>``; a ListBlock ``rows`` inside has ``...-rows-count`` and
# items ``...-rows-M-value-<name>``.  A new child always gets index = old count.


def add_stream_block(page: Page, field: str, label: str) -> str:
    """Append a block labelled ``label`` to the StreamField ``field``; return its prefix."""
    count = page.locator(f'input[name="{field}-count"]')
    index = int(count.input_value())
    container = page.locator(f"#{field}-root > [data-streamfield-stream-container]")
    container.locator(":scope > div:not([data-streamfield-child]) > button.c-sf-add-button").last.click()
    menu = page.locator("[data-tippy-root]:not([hidden]) [role=listbox]")
    menu.get_by_role("option", name=label, exact=True).click()
    prefix = f"{field}-{index}"
    expect(page.locator(f'input[name="{prefix}-type"]')).to_be_attached()
    expect(count).to_have_value(str(index + 1))
    return prefix


def list_items(page: Page, prefix: str) -> list[str]:
    """Prefixes of the (not deleted) items of the ListBlock at ``prefix``."""
    total = int(page.locator(f'input[name="{prefix}-count"]').input_value())
    return [
        f"{prefix}-{i}" for i in range(total) if page.locator(f'input[name="{prefix}-{i}-deleted"]').input_value() == ""
    ]


def add_list_item(page: Page, prefix: str) -> str:
    """Append an item to the ListBlock at ``prefix``; return the new item's prefix."""
    count = page.locator(f'input[name="{prefix}-count"]')
    index = int(count.input_value())
    container = count.locator("xpath=following-sibling::div[@data-streamfield-list-container][1]")
    container.locator(":scope > [data-streamfield-list-add]").last.click()
    expect(count).to_have_value(str(index + 1))
    item = f"{prefix}-{index}"
    expect(page.locator(f'input[name="{item}-id"]')).to_be_attached()
    return item


def ensure_list_items(page: Page, prefix: str, n: int) -> list[str]:
    """At least ``n`` items in the ListBlock at ``prefix`` (min_num may give some)."""
    items = list_items(page, prefix)
    while len(items) < n:
        items.append(add_list_item(page, prefix))
    return items[:n]


def fill_block(page: Page, prefix: str, values: dict[str, str]) -> None:
    """Fill the child fields ``<prefix>-value-<name>`` of a struct block or list item."""
    for name, value in values.items():
        field = page.locator(f'[name="{prefix}-value-{name}"]')
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def choose_snippet(page: Page, input_name: str, title: str) -> None:
    """Pick the snippet titled ``title`` in the chooser whose hidden input is ``input_name``."""
    chooser = page.locator(f'[id="{input_name}-chooser"]')
    chooser.locator(".unchosen [data-chooser-action-choose]").click()
    # Only the chooser modal holds choice links.
    choice = page.locator("a[data-chooser-modal-choice]", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    choice.click()
    expect(choice).to_be_hidden()
    expect(chooser.locator("[data-chooser-title]")).to_have_text(title)
    expect(page.locator(f'input[name="{input_name}"]')).not_to_have_value("")


# --- preview ----------------------------------------------------------------------


def open_preview(page: Page):
    """Open the 预览 side panel and return a locator on the rendered preview body."""
    toggle = page.locator('button[aria-label="预览开关"]')
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    # Wagtail swaps in a fresh iframe on every refresh; the last one is current.
    return page.frame_locator("iframe.w-preview__iframe").last.locator("body")


# --- the 任务清单 grid (cms/core/static/cms/task-grid.js) ----------------------------


def grid_add_row(page: Page, block_prefix: str, values: dict[str, str]) -> None:
    """添加一行 in the task-list grid of the stream block at ``block_prefix`` and fill its open editor."""
    grid = page.locator(f'[id="{block_prefix}-value-grid"]')
    lines = grid.locator(".task-grid__line")
    before = lines.count()
    grid.locator(".task-grid__add").click()
    expect(lines).to_have_count(before + 1)
    editor = grid.locator(".task-grid__editor")
    for name, value in values.items():
        editor.locator(f'[data-field="{name}"]').fill(value)


def grid_choose_unit(page: Page, block_prefix: str, name: str, role: str = "lead") -> None:
    """Pick ``name`` in the open row's search-as-you-type unit chooser; 配合 is one click on its role."""
    editor = page.locator(f'[id="{block_prefix}-value-grid"] .task-grid__editor')
    editor.locator(".task-grid__unit-search").fill(name)
    editor.locator(".task-grid__unit-option", has_text=name).first.click()
    chip = editor.locator(".task-grid__chip", has=page.locator(".task-grid__chip-name", has_text=name))
    expect(chip).to_have_count(1)
    if role == "support":
        chip.locator(".task-grid__role").click()
        expect(chip.locator(".task-grid__role")).to_have_text("配合")


# --- the public site's search box (site_src/assets/gk-search.js) ------------------------------

SEARCH_PROMPT = "输入文号、任务或单位名称搜索公文"
SEARCH_FOUND = re.compile(r"^找到 \d+ 个结果$")


def search(page: Page, query: str):
    """Type ``query`` into the header's search box (opened from its button on a phone); return the result items.

    A box that still holds an earlier query is cleared first and the prompt
    awaited, so the earlier query's results are never mistaken for these.
    """
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator("label.md-header__button[for='__search']").click()
    expect(box).to_be_visible()
    box.click()
    status = page.locator("[data-gk-search-status]")
    if box.input_value():
        box.fill("")
        expect(status).to_have_text(SEARCH_PROMPT)
    box.press_sequentially(query, delay=30)
    expect(status).to_have_text(SEARCH_FOUND)
    items = page.locator(".md-search-result__item")
    expect(items.first).to_be_visible()
    return items


def result_titles(items) -> list[str]:
    """Page titles of the search results, in their order."""
    return [t.strip() for t in items.locator(".gk-search-result__title").all_inner_texts()]
