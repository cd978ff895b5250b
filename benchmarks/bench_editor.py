"""Admin editor of the largest 任务清单: the grid editor against Wagtail's nested forms, in Chromium.

Why: issue 16 measured 51–66 s before a field of the largest seed attachment
(附件1 of 001_…, 84 task rows) could be used, 5–7 s per keystroke in a
完成时限 field and another minute after 保存.  Targets: interactive within
3 s of navigation, < 100 ms per keystroke, back to an interactive editor
within 3 s of 保存.

Two development servers run on the same copy of the demo database, one with
the grid (``TASK_GRID_EDITOR=1``) and one with Wagtail's nested forms
(``TASK_GRID_EDITOR=0``), and the same steps run against both:

- load: from navigation until the 完成时限 field of the middle row takes input
  (for the grid that includes opening the row);
- keystroke: from each key event to the next painted frame, measured in the
  page, while typing into that field;
- save: from clicking 保存草稿 until the field takes input again.

Run:  .venv/bin/python benchmarks/bench_editor.py [--db /tmp/demo_base.sqlite3] [--keys 8]

The database must hold the imported seeds (the largest task list is found by
row count).  Chromium is /usr/bin/chromium (``CHROMIUM_PATH``); nothing is
downloaded.  On a shared machine read the numbers with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
USERNAME, PASSWORD = "bench-editor", "bench-pass-123"
TIMEOUT_MS = 240_000
DEMO_DB = Path(tempfile.gettempdir()) / "demo_base.sqlite3"
TARGET_LOAD_S, TARGET_KEY_MS, TARGET_SAVE_S = 3.0, 100.0, 3.0

KEY_LATENCY = """() => {
  window.__keyLatency = [];
  document.addEventListener("keydown", (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__keyLatency.push(performance.now() - start), 0));
  }, true);
}"""


def largest_task_list(db: Path) -> tuple[int, int]:
    """(page id, rows) of the attachment with the longest task list."""
    best = (0, 0)
    with sqlite3.connect(db) as connection:
        for page_id, body in connection.execute("SELECT page_ptr_id, body FROM documents_attachmentpage"):
            for block in json.loads(body or "[]"):
                if block.get("type") == "task_list":
                    best = max(best, (len(block["value"].get("rows") or []), page_id))
    if not best[1]:
        raise SystemExit(f"{db}: no attachment with a task list; import the seeds first")
    return best[1], best[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(  # noqa: S603 - our own fixed command line
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True, check=True, capture_output=True
    )


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by process ``pid`` (Linux): unlike wall time, it hardly depends on the machine's load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(env: dict[str, str], grid: bool) -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**env, "TASK_GRID_EDITOR": "1" if grid else "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def login(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def open_deadline(page: Page, grid: bool, row: int) -> Any:
    """The 完成时限 field of ``row``, ready for input (the grid opens the row first)."""
    if grid:
        line = page.locator(".task-grid__line").nth(row)
        line.locator(".task-grid__deadline").click(timeout=TIMEOUT_MS)
        field = page.locator('.task-grid__editor [data-field="deadline"]')
    else:
        field = page.locator(f'input[name^="body-"][name$="-value-rows-{row}-value-deadline"]').first
    field.click(timeout=TIMEOUT_MS)
    field.wait_for(state="visible", timeout=TIMEOUT_MS)
    return field


def measure(base: str, pid: int, page_id: int, rows: int, grid: bool, keys: int) -> dict[str, float]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
        page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        login(page, base)
        url = f"{base}/admin/pages/{page_id}/edit/"
        row = rows // 2

        start, cpu = time.monotonic(), cpu_seconds(pid)
        page.goto(url, timeout=TIMEOUT_MS)
        field = open_deadline(page, grid, row)
        load, load_cpu = time.monotonic() - start, cpu_seconds(pid) - cpu
        fields = page.evaluate("document.querySelectorAll('input, textarea, select').length")

        page.evaluate(KEY_LATENCY)
        field.press("End")
        for char in ("（已调整）" + "x" * keys)[:keys]:
            page.keyboard.type(char)
        page.wait_for_timeout(500)
        latencies = page.evaluate("window.__keyLatency")

        page.wait_for_timeout(2_500)  # let Wagtail's autosave settle, as an editor's pause would
        start, cpu = time.monotonic(), cpu_seconds(pid)
        with page.expect_navigation(timeout=TIMEOUT_MS, wait_until="commit"):
            page.locator("footer nav.actions--primary button.action-save").click()
        save_response = time.monotonic() - start  # the POST and its redirect answered: the server's share
        open_deadline(page, grid, row)
        save, save_cpu = time.monotonic() - start, cpu_seconds(pid) - cpu
        browser.close()
    return {
        "load": load,
        "key_median": statistics.median(latencies) if latencies else float("nan"),
        "key_max": max(latencies) if latencies else float("nan"),
        "save": save,
        "save_response": save_response,
        "load_cpu": load_cpu,
        "save_cpu": save_cpu,
        "fields": fields,
    }


def row_text(name: str, r: dict[str, float]) -> str:
    """One table line.

    "answered": the part of the save until the redirected page starts arriving;
    "server CPU": CPU seconds the server spent on the load and on the save.
    """
    keys = f"{r['key_median']:.0f}/{r['key_max']:.0f}"
    cpu = f"{r['load_cpu']:.2f}/{r['save_cpu']:.2f}"
    return f"{name:<14}{r['fields']:>8}{r['load']:>9.2f}{keys:>22}{r['save']:>9.2f}{r['save_response']:>14.2f}{cpu:>22}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEMO_DB, help="SQLite file with the seeds imported")
    parser.add_argument("--keys", type=int, default=8, help="keystrokes typed into the field")
    parser.add_argument("--grid-only", action="store_true", help="skip Wagtail's nested forms (takes minutes)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-editor-"))
    db = work / "bench.sqlite3"
    shutil.copy(args.db, db)
    page_id, rows = largest_task_list(db)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    manage(env, "migrate", "-v0")
    manage(
        env,
        "shell",
        stdin=(
            "from django.contrib.auth import get_user_model as g\n"
            f"g().objects.filter(username={USERNAME!r}).exists() or "
            f"g().objects.create_superuser({USERNAME!r}, 'b@example.com', {PASSWORD!r})\n"
        ),
    )

    print(f"largest task list: page {page_id}, {rows} rows; load average {os.getloadavg()}", flush=True)
    results = {}
    variants = [("grid", True)] if args.grid_only else [("grid", True), ("nested (old)", False)]
    for name, grid in variants:
        with server(env, grid) as (base, pid):
            try:
                results[name] = measure(base, pid, page_id, rows, grid, args.keys)
            except PlaywrightTimeoutError:
                # On a loaded machine the nested forms can exceed the timeout: say so rather than lose the run.
                print(f"  {name}: a step took longer than {TIMEOUT_MS / 1000:.0f} s; load average {os.getloadavg()}")
                continue
        print(f"  {name}: {row_text(name, results[name])}; load average {os.getloadavg()}", flush=True)

    print(
        f"\n{'editor':<14}{'fields':>8}{'load s':>9}{'key ms (median/max)':>22}{'save s':>9}{'(answered s)':>14}"
        f"{'server CPU load/save s':>24}"
    )
    for name, r in results.items():
        print(row_text(name, r))
    if "grid" not in results:
        raise SystemExit("the grid editor did not finish")
    grid = results["grid"]
    if "nested (old)" in results:
        old = results["nested (old)"]
        ratios = {key: old[key] / grid[key] for key in ("load", "key_median", "save")}
        print(
            f"\nold / grid: load ×{ratios['load']:.0f}, keystroke ×{ratios['key_median']:.0f},"
            f" save ×{ratios['save']:.0f}"
        )
    verdict = [
        ("interactive within 3 s", grid["load"] <= TARGET_LOAD_S),
        ("keystroke < 100 ms", grid["key_max"] < TARGET_KEY_MS),
        ("save → interactive within 3 s", grid["save"] <= TARGET_SAVE_S),
    ]
    for label, met in verdict:
        print(f"target {label}: {'met' if met else 'NOT met'}")
    print(f"load average {os.getloadavg()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
