"""Public-site export speed at 10, 100 (and on request 1000) notices.

Why: DESIGN.md measured MkDocs alone (linear at ~50 pages/s with the
lunr/jieba search Pagefind has since replaced, once documents are out of
the sidebar).  This checks that our side (snapshot + render + atomic
swap) stays a small share of a publish, and that the whole export stays
linear as the corpus grows.

Each notice is shaped like the seeds: a body with 层次 headings and
paragraphs, 附件1 目标责任 (个性目标 per unit + an indicator table),
附件2 目标责任书 with one letter per town, 附件3 重点项目清单 with ~20
tasks assigned to towns and departments (lead / support).  The corpus goes
into a throwaway SQLite file (``DATABASE_URL``), grown in place from one
size to the next.

Run:  .venv/bin/python benchmarks/bench_export.py [sizes ...]     (default: 10 100)
      .venv/bin/python benchmarks/bench_export.py 10 100 1000

Times are wall-clock on the critical path (snapshot, render, build; the
build step includes waiting for the ledger process if it outlasts MkDocs).
The ledger files are written by a second process during the build, so the
table also prints that process's CPU time and each target says how the
share of our work looks when it is counted too.  On a shared machine,
read the numbers with the load average printed beside them.

Search (issue 15): after each full export the site is served on loopback
and Debian's chromium (Playwright) types a few queries into the header's
search box, one fresh browser context per query.  "search KB" is what the
first query of a reader costs: the Pagefind files the page requested
from either bundle, ``pagefind/`` or ``pagefind-letters/`` (script, worker,
wasm, metadata, the index chunks of the query's words and the fragments of
the results shown), counted as nginx sends them (the export's ``.gz``
where there is one); "letters KB" the part from the letters' bundle, which
a first query should not load (export/search_index.py: the 目标责任书 are
searched only for 显示更多结果).  Pagefind's indexing time is part of
the build column and printed on its own.  Skipped, with a note, when
chromium is not installed (``CHROMIUM_PATH``, default /usr/bin/chromium).

Where those bytes go at 1,000 notices (measured for issue 15): every query
pays about 131 KB before its words (the wasm 68 KB, the page list in the
metadata 50 KB, pagefind.js 13 KB), the shown results' fragments 5–6 KB;
the rest is the index entries of the query's words.  A word on nearly
every page costs its position list whatever the chunking: 安全 69 KB,
隐患 59 KB, 消防 52 KB (gzip of all positions on 9,000 pages; the page
numbers alone are 4 KB), so a query made of such words stays over the
budget unless positions are dropped, which would lose exact-phrase matches.
Those figures (147/355/269/188 KB for the four queries) were with one
bundle; about 5,000 of the 9,168 pages are 目标责任书 repeating their
notice's words, so with the letters in a bundle of their own (4,150 pages
left in the main one) a first query reads shorter position lists and page
list: 121/251/197/144 KB in the same setting, none of it from the letters'
bundle.  The Pagefind
line says how many pages each bundle holds and which bundles the
incremental export linked from the live site instead of indexing
(issue 17: a changed notice leaves the letters' bundle as it was) and
which it patched (only the pages built now indexed, merged into the live
bundle: export/search_patch.py).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-export-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from cms.core.blocks import plain_to_richtext  # noqa: E402
from cms.documents.models import AttachmentPage, Disclosure, NoticePage, ResponsibilityLetterPage  # noqa: E402
from cms.documents.setup import ensure_site_structure  # noqa: E402
from cms.units.models import Unit, UnitAlias, UnitKind  # noqa: E402
from export.build import SPEED_HOOKS, build_config, export_site, mkdocs_env, run_mkdocs, write_config  # noqa: E402
from export.search_index import LETTERS_DIR  # noqa: E402

TOWNS = ["百崎回族乡", "东石镇", "安海镇", "磁灶镇", "陈埭镇", "池店镇", "内坑镇", "金井镇", "英林镇", "深沪镇"]
DEPARTMENTS = [
    "应急管理局",
    "消防救援大队",
    "公安分局",
    "住房和城乡建设局",
    "交通运输局",
    "市场监督管理局",
    "教育局",
    "卫生健康局",
    "商务局",
    "文化体育和旅游局",
    "城市管理局",
    "自然资源局",
    "生态环境局",
    "农业农村局",
    "水利局",
    "工业和信息化局",
    "民政局",
    "供电公司",
    "燃气公司",
    "区环境与国土资源局",
]
TOPICS = ["危险化学品安全整治", "消防安全专项整治", "道路运输安全专项整治", "建筑施工安全整治", "城市建设安全整治"]
TASKS = [
    "打通消防车通道",
    "整治群租房消防安全隐患",
    "建设微型消防站",
    "推进企业安全生产标准化建设",
    "开展隐患排查治理",
    "落实一岗双责、党政同责",
    "完成市政消火栓建设任务",
]
DETAILS = [
    "对排查发现的风险隐患，要建立问题清单、责任清单、销号清单，定准对策措施，倒排时间表，逐一落实整改。",
    "30%的老旧小区完成消防车通道治理工作，生命通道畅通率达到100%。",
    "各村、各有关部门要督促辖区内企业按照导则全面完成安全风险隐患自查工作。",
    "具有安全生产相关专业学历和实践经验的执法人员数量达到在职人员的75%以上。",
]
DEADLINES = ["2024年底前", "2025年6月前", "每年", "持续推进", "2024-2026年", "2024年第一季度"]
TZ = ZoneInfo("Asia/Shanghai")


def _item(value: Any, n: int) -> dict[str, Any]:
    return {"type": "item", "value": value, "id": f"i{n:08d}"}


def _paragraph(text: str, level: int = 0) -> dict[str, Any]:
    return {"type": "paragraph", "value": {"level": level, "text": plain_to_richtext(text)}}


def _heading(text: str, level: int = 1) -> dict[str, Any]:
    return {"type": "heading", "value": {"level": level, "text": text}}


def make_units() -> tuple[list[Unit], list[Unit]]:
    towns = []
    for n, name in enumerate(TOWNS):
        unit = Unit.objects.create(name=f"{name}人民政府", kind=UnitKind.TOWNSHIP, sort_order=n)
        UnitAlias.objects.create(unit=unit, name=name)
        UnitAlias.objects.create(unit=unit, name=f"{name[:2]}安办")
        towns.append(unit)
    departments = [
        Unit.objects.create(name=name, kind=UnitKind.DEPARTMENT, sort_order=100 + n)
        for n, name in enumerate(DEPARTMENTS)
    ]
    return towns, departments


class Corpus:
    """Adds realistic notices; counters keep every generated id and number unique."""

    def __init__(self, towns: list[Unit], departments: list[Unit]) -> None:
        self.index = ensure_site_structure()
        self.towns, self.departments = towns, departments
        self.count = 0
        self.ids = 0
        self.rng = random.Random(20240315)

    def _id(self) -> int:
        self.ids += 1
        return self.ids

    def _page(self, parent: Any, page: Any, when: datetime) -> Any:
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = when
        return parent.add_child(instance=page)

    def _ref(self, unit: Unit, role: str) -> dict[str, Any]:
        return _item({"unit": unit.pk, "name": unit.name, "role": role, "division": ""}, self._id())

    def _task_list(self, rows: int) -> dict[str, Any]:
        out = []
        for n in range(rows):
            lead = self.rng.choice(self.departments)
            support = self.rng.sample(self.towns, 2)
            row = {
                "topic": TOPICS[n // 4 % len(TOPICS)],
                "task": f"{self.rng.choice(TASKS)}（{n + 1}）",
                "detail": self.rng.choice(DETAILS),
                "deadline": self.rng.choice(DEADLINES),
                "units": [self._ref(lead, "lead"), *(self._ref(u, "support") for u in support)],
                "units_text": "",
            }
            out.append(_item(row, self._id()))
        return {"type": "task_list", "value": {"title": "重点项目清单", "rows": out}}

    def _targets(self) -> list[dict[str, Any]]:
        body = [_heading("共性目标"), *(_paragraph(self.rng.choice(DETAILS), 3) for _ in range(8))]
        body.append(_heading("个性目标"))
        for unit in self.departments[:10]:
            targets = [
                _item({"text": self.rng.choice(DETAILS), "indicator": "≥95%"}, self._id()),
                _item({"text": self.rng.choice(DETAILS), "indicator": ""}, self._id()),
            ]
            body.append(
                {"type": "target_group", "value": {"unit": unit.pk, "unit_name": unit.name, "targets": targets}}
            )
        columns = [
            _item({"group": "市政消火栓建设任务", "name": "新建数"}, self._id()),
            _item({"group": "市政消火栓建设任务", "name": "补建数"}, self._id()),
            _item({"group": "", "name": "专职防火队人员额定人数"}, self._id()),
        ]
        rows = [
            _item(
                {
                    "unit": town.pk,
                    "unit_name": town.name,
                    "values": [_item(float(self.rng.randint(0, 30)), self._id()) for _ in columns],
                },
                self._id(),
            )
            for town in self.towns
        ]
        body.append(
            {
                "type": "indicator_table",
                "value": {"title": "消防基础设施建设任务", "row_header": "单位", "columns": columns, "rows": rows},
            }
        )
        return body

    @transaction.atomic
    def add_notice(self) -> None:
        self.count += 1
        n, year = self.count, 2020 + self.count % 5
        when = datetime(year, 3, 1, 9, 0, tzinfo=TZ) + timedelta(days=n % 300)
        notice = NoticePage(
            title=f"关于下达{year}年度安全生产和消防工作目标责任的通知（第{n}号）",
            doc_number=f"测安委〔{year}〕{n}号",
            issuer=self.rng.choice(["测试市人民政府", "测试市安全生产委员会", "测试市消防安全委员会"]),
            signature="测试市安全生产委员会",
            recipients="各乡镇人民政府，市直有关单位：",
            attachment_note="1．目标责任\n2．目标责任书\n3．重点项目清单",
            disclosure=Disclosure.PUBLIC,
            year=year,
            topic=self.rng.choice(["safety", "fire", "both"]),
            written_date=when.date(),
            body=[
                _heading("总体要求"),
                _paragraph(self.rng.choice(DETAILS)),
                _heading("工作目标"),
                *(_paragraph(self.rng.choice(DETAILS), 2) for _ in range(4)),
                _heading("保障措施"),
                _paragraph(self.rng.choice(DETAILS)),
            ],
        )
        notice = self._page(self.index, notice, when)
        self._page(notice, AttachmentPage(title="目标责任", number=1, kind="targets", body=self._targets()), when)
        letters = self._page(notice, AttachmentPage(title="目标责任书", number=2, kind="letters", body=[]), when)
        for town in self.towns[:5]:
            letter = ResponsibilityLetterPage(
                title=f"{year}年{town.name}安全生产目标责任书",
                unit=town,
                body=[_paragraph(d) for d in DETAILS] + [self._task_list(3)],
            )
            self._page(letters, letter, when)
        self._page(
            notice, AttachmentPage(title="重点项目清单", number=3, kind="tasks", body=[self._task_list(20)]), when
        )


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SEARCH_BUDGET = 300_000  # issue 15: bytes of a first query, at 1,000 notices too


def search_queries(size: int) -> list[str]:
    """A 文号 of the corpus, two task terms (one in every notice) and a unit name."""
    number = min(size, 7)
    return [f"测安委〔{2020 + number % 5}〕{number}号", "整治群租房消防安全隐患", "消防车通道", "消防救援大队"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_request(self, code: object = "-", size: object = "-") -> None:
        self.requested.append(self.path.split("?", 1)[0])

    def log_message(self, format: str, *args: object) -> None:
        pass


def served_size(site_dir: Path, path: str) -> int:
    """What nginx (gzip_static) sends for a site path: the ``.gz`` beside the file when there is one."""
    target = site_dir / path.lstrip("/")
    packed = target.with_name(target.name + ".gz")
    return (packed if packed.is_file() else target).stat().st_size


def search_bytes(site_dir: Path, queries: list[str]) -> dict[str, tuple[int, int, int, int]]:
    """query → (bytes of Pagefind files fetched, their count, results found, bytes from the letters' bundle).

    Each query from a cold browser.

    Runs in its own thread: Playwright's sync API keeps an event loop in the
    thread that uses it, which Django's ORM in the main thread must not see.
    """
    out: dict[str, tuple[int, int, int, int]] = {}
    failure: list[BaseException] = []

    def measure() -> None:
        from playwright.sync_api import sync_playwright

        requested: list[str] = []
        handler = type("Handler", (_QuietHandler,), {"requested": requested})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
                for query in queries:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto(base + "index.html", wait_until="load")
                    start = len(requested)
                    box = page.locator("input.md-search__input")
                    box.click()
                    box.fill(query)
                    page.wait_for_function(
                        "() => /找到|没有/.test(document.querySelector('[data-gk-search-status]').textContent)",
                        timeout=60_000,
                    )
                    found = page.locator(".md-search-result__item").count()
                    status = page.locator("[data-gk-search-status]").inner_text()
                    total = int(status.split()[1]) if status.startswith("找到") else 0
                    # Both bundles: pagefind/ and pagefind-letters/ (export/search_index.py).
                    files = sorted({p for p in requested[start:] if p.startswith("/pagefind")})
                    letters = [p for p in files if p.startswith(f"/{LETTERS_DIR}/")]
                    out[query] = (
                        sum(served_size(site_dir, p) for p in files),
                        len(files),
                        max(total, found),
                        sum(served_size(site_dir, p) for p in letters),
                    )
                    context.close()
                browser.close()
        except BaseException as error:  # reported in the main thread
            failure.append(error)
        finally:
            server.shutdown()
            server.server_close()

    thread = threading.Thread(target=measure)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return out


def bare_build(docs_dir: Path, work: Path, speed_hooks: bool = False) -> float:
    """``mkdocs build`` alone on the same generated pages and config: the floor we compare against.

    ``speed_hooks``: with the export's hooks that make MkDocs faster (export/build.py SPEED_HOOKS: raw HTML
    set aside, one Markdown converter), as every export runs MkDocs (same bytes,
    less parsing), to show how much of the gap is MkDocs' own work.
    """
    site_dir = work / "bare-site"
    shutil.rmtree(site_dir, ignore_errors=True)
    config_path = work / "bare-mkdocs.yml"
    config = build_config(docs_dir=docs_dir, site_dir=site_dir, src_dir=ROOT / "site_src")
    if speed_hooks:
        config["hooks"] = [*config["hooks"], *map(str, SPEED_HOOKS)]
    write_config(config, config_path)
    started = time.perf_counter()
    result: subprocess.CompletedProcess[str] = run_mkdocs(config_path, site_dir, mkdocs_env(0))
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bare mkdocs build failed:\n{result.stderr[-2000:]}")
    return elapsed


# The targets (each a ratio within one run).
GROWTH_LIMIT = 12.0  # 10x the notices cost at most 12x the time
BARE_LIMIT = 1.0  # issue 17: a full export no slower than one bare mkdocs build of the same pages (0.6 preferred)
OURS_LIMIT = 0.15  # snapshot + render under 15% of the export's wall-clock time
LIVE_LIMIT = 15.0  # issue 17: one changed notice live within 15 s of approval (publish → new site swapped in)
MEMORY_LIMIT = 2 * 2**30  # issue 17: peak memory of a full export under 2 GB
# Steps of export_site that run once the new site is swapped in (export/build.py): the publish is live before them.
AFTER_SWAP = ("remove_old_site", "save_render_cache", "remove_old_docs", "collect_garbage")


class PeakMemory:
    """Peak memory of this process and all its descendants together, sampled every 0.1 s.

    Measured on a second full export of its own, never on the timed one:
    reading ``smaps_rollup`` walks each process's page tables under its
    memory lock, about 38 ms of system CPU per sample at 1,000 notices
    (measured from a separate process: 31.5 s of system time over one
    export, which then took 134 s instead of 102 s).  Timing the export
    under the sampler and the bare build without it measured the sampler.

    ``getrusage`` only gives the largest single child; MkDocs, the ledger
    process and Pagefind run beside the exporter, so their sum matters.  The
    sum is taken twice: of PSS (each page shared between processes counted
    once, split between them: the memory the export really holds, the
    figure checked against the limit) and of RSS (shared pages counted in
    every process).  RSS overstates a fork: between ``fork`` and ``exec`` a
    subprocess shows all of the exporter's pages (at 1,000 notices one such
    moment added 763 MB of RSS and 2 MB of PSS).
    """

    def __init__(self) -> None:
        self.peak = 0  # PSS
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = tree_memory(os.getpid())
            self.peak, self.peak_rss = max(self.peak, pss), max(self.peak_rss, rss)
            self._stop.wait(0.1)


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of ``root`` and its descendants together (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                parents[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except OSError:
            continue
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    rss = pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def change_one_notice(step: int) -> None:
    """An editor's change: one paragraph added to one notice, published as a new revision."""
    notice = NoticePage.objects.live().order_by("pk").first()
    assert notice is not None
    notice.body = [*notice.body.raw_data, _paragraph(f"补充说明第{step}条。")]
    notice.save_revision().publish()


def cpu_seconds() -> tuple[float, float, float, float]:
    """(this process, its finished children) × (user, system) CPU seconds: unlike wall-clock, not skewed by load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime, own.ru_stime, children.ru_utime, children.ru_stime


def cpu_since(before: tuple[float, float, float, float]) -> tuple[float, float]:
    """(user + system, system) CPU seconds of this process and its children since ``before``."""
    spent = [now - then for now, then in zip(cpu_seconds(), before, strict=True)]
    return sum(spent), spent[1] + spent[3]


def keep_journal() -> None:
    """Put the throwaway database in WAL mode (it stays so, in the file) before the corpus is written.

    Why: in SQLite's default mode every transaction creates and removes a
    ``-journal`` file beside the database, in the work directory; growing the
    corpus to 1,000 notices made tens of thousands of them just before the
    export, and on a disk like this machine's (see :func:`creation_cost`)
    each new file of the export then paid for them (a probe of 108-182 µs
    per new file instead of 20-40).  That measured the corpus generator,
    not the export; WAL writes into two files that stay.
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def creation_cost(folder: Path, files: int = 2_000) -> float:
    """Microseconds of system CPU per new empty file in ``folder``.

    Why: on ext4 without a journal (this machine's disk) a new inode skips
    every inode freed in the last minute or so, reading its inode-table
    block for each (``perf``: ``recently_deleted`` under ``find_inode_bit``).
    Right after a large tree was removed nearby, a new file cost 500-900 µs
    of system time instead of 20-40; the full export creates some 60,000
    files and the bare build 11,000, so such a disk tilts the ratio, and
    this says whether a run was affected.  The files are left in place:
    removing them would do the same to what follows.
    """
    folder.mkdir(parents=True)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    for number in range(files):
        (folder / f"{number}.txt").touch()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_stime - before) / files * 1e6


def steps_text(steps: dict[str, float]) -> str:
    """``mkdocs 5.10 · ledger_wait 1.20 · …``: where the build step's wall-clock went, in order."""
    return " · ".join(f"{name} {seconds:.2f}" for name, seconds in steps.items())


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def targets(size: int, row: dict[str, float], smaller: dict[str, float] | None) -> list[str]:
    """The three targets for one size, each with its number, its limit and met/missed.

    ``smaller``: the run at a tenth of the notices, when the same run measured it.
    """
    lines = []
    if smaller is not None:
        growth = row["total"] / smaller["total"]
        lines.append(
            f"  (1) {size} vs {smaller['notices']:.0f} notices: {growth:.2f}x the time"
            f" (limit {GROWTH_LIMIT:.0f}x) -> {_verdict(growth <= GROWTH_LIMIT)}"
        )
    ratio = row["total"] / row["bare"]
    lines.append(
        f"  (2) export / bare mkdocs build: {row['total']:.2f} / {row['bare']:.2f} s = {ratio:.2f}"
        f" (limit {BARE_LIMIT}) -> {_verdict(ratio <= BARE_LIMIT)}"
    )
    lines.append(
        f"      one mkdocs process with the export's speed hooks (same bytes): {row['bare_hooked']:.2f} s;"
        f" export / that = {row['total'] / row['bare_hooked']:.2f}"
    )
    lines.append(
        f"      same in CPU time (load-independent cross-check): {row['export_cpu']:.1f} / {row['bare_cpu']:.1f} s"
        f" = {row['export_cpu'] / row['bare_cpu']:.2f}, ledger step included; of it system time (creating"
        f" and writing files): {row['export_sys']:.1f} / {row['bare_sys']:.1f} s"
    )
    lines.append(
        f"      peak memory of the full export, measured on a second one (all processes together, PSS):"
        f" {row['peak_mb']:.0f} MB"
        f" (RSS summed: {row['peak_rss_mb']:.0f} MB)"
        f" (limit {MEMORY_LIMIT / 2**20:.0f} MB) -> {_verdict(row['peak_mb'] * 2**20 <= MEMORY_LIMIT)}"
    )
    incr, live = row["incremental"], row["incremental_live"]
    lines.append(
        f"  (4) one changed notice, publish → incremental export live (new site swapped in): {live:.2f} s"
        f" (limit {LIVE_LIMIT:.0f} s) -> {_verdict(live <= LIVE_LIMIT)}"
    )
    lines.append(
        f"      export done (returned) after {incr:.2f} s = {incr / row['total']:.3f} of the full export;"
        f" after the swap: {', '.join(AFTER_SWAP)}, counting the files; {row['built']:.0f} pages rebuilt,"
        f" {row['linked']:.0f} files linked"
    )
    lines.append(
        f"      same in CPU time (all processes): {row['incremental_cpu']:.1f} s incremental vs"
        f" {row['export_cpu']:.1f} s full = {row['incremental_cpu'] / row['export_cpu']:.3f}"
    )
    ours = (row["snapshot"] + row["render"]) / row["total"]
    lines.append(
        f"  (3) snapshot + render on the critical path: {ours:.1%} of the wall-clock export"
        f" (limit {OURS_LIMIT:.0%}) -> {_verdict(ours < OURS_LIMIT)}"
    )
    cpu = row["ledger_cpu"]
    lines.append(
        f"      not hidden: the ledger step ran beside mkdocs in another process, {row['ledger_wall']:.2f} s"
        f" wall, {cpu:.2f} s CPU, the build waited {row['ledger_waited']:.2f} s for it; counting its CPU"
        f" as ours: {(row['snapshot'] + row['render'] + cpu) / (row['total'] + cpu):.1%}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100], help="notice counts (default 10 100)")
    parser.add_argument("--keep", action="store_true", help=f"keep the work directory {WORK}")
    args = parser.parse_args()

    print(f"work directory: {WORK}; load average at start: {os.getloadavg()}")
    started = time.perf_counter()
    keep_journal()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    towns, departments = make_units()
    corpus = Corpus(towns, departments)
    header = (
        f"{'notices':>7} {'pages':>6} {'gen s':>6} {'snap s':>7} {'render s':>8} {'build s':>8} {'total s':>8} "
        f"{'pages/s':>7} {'bare s':>7} {'ledg cpu':>8} {'out MB':>7} {'dl MB':>6} {'search MB':>9} {'index s':>7}"
        f" {'search KB':>9}"
    )
    rows: list[str] = []
    verdicts: list[str] = []
    measured: dict[int, dict[str, float]] = {}
    try:
        for size in sorted(args.sizes):
            started = time.perf_counter()
            while corpus.count < size:
                corpus.add_notice()
            generated = time.perf_counter() - started
            out, src = WORK / f"site-{size}", WORK / f"src-{size}"
            verdicts.append(
                f"{size} notices: a new file in the work directory just before the export cost"
                f" {creation_cost(WORK / f'probe-{size}'):.0f} µs of system CPU (20-40 on a disk with no"
                " recent removals nearby; see creation_cost)"
            )
            before = cpu_seconds()
            result = export_site(out, src, full=True)  # timed with nothing else running (see PeakMemory)
            export_cpu, export_sys = cpu_since(before)
            t = result.timings
            total = t["snapshot"] + t["render"] + t["build"]  # the critical path, wall-clock
            before = cpu_seconds()
            bare = bare_build(result.docs_dir, WORK)
            bare_cpu, bare_sys = cpu_since(before)
            bare_hooked = bare_build(result.docs_dir, WORK, speed_hooks=True)
            with PeakMemory() as memory:  # the same full export again, into a directory of its own
                export_site(WORK / f"site-{size}-memory", src, full=True)
            started, before = time.perf_counter(), cpu_seconds()
            change_one_notice(size)
            incremental = export_site(out, src)
            incremental_seconds = time.perf_counter() - started
            incremental_cpu, _ = cpu_since(before)
            if not incremental.incremental:
                raise SystemExit("the export after one changed notice was not incremental")
            ledger = result.ledgers
            searches = search_bytes(out, search_queries(size)) if Path(CHROMIUM).exists() else {}
            worst = max((b for b, _, _, _ in searches.values()), default=0)
            row = {
                "incremental": incremental_seconds,
                "incremental_cpu": incremental_cpu,
                # The new site is live once swapped in; the old tree is removed after that.
                "incremental_live": incremental.live_at - started,
                "built": float(incremental.built_pages),
                "linked": float(incremental.linked_files),
                "peak_mb": memory.peak / 2**20,
                "peak_rss_mb": memory.peak_rss / 2**20,
                "notices": float(size),
                "total": total,
                "bare": bare,
                "export_cpu": export_cpu,
                "bare_cpu": bare_cpu,
                "export_sys": export_sys,
                "bare_sys": bare_sys,
                "bare_hooked": bare_hooked,
                **t,
                "ledger_cpu": ledger.cpu_seconds if ledger else 0.0,
                "ledger_wall": ledger.seconds if ledger else 0.0,
                "ledger_waited": ledger.waited if ledger else 0.0,
            }
            rows.append(
                f"{size:>7} {result.pages:>6} {generated:>6.1f} {t['snapshot']:>7.2f} {t['render']:>8.2f} "
                f"{t['build']:>8.2f} {total:>8.2f} {result.pages / total:>7.1f} {bare:>7.2f} "
                f"{row['ledger_cpu']:>8.2f} {result.output_bytes / 1e6:>7.1f} "
                f"{(ledger.bytes if ledger else 0) / 1e6:>6.1f} {result.search_index_bytes / 1e6:>9.2f}"
                f" {result.search_index.seconds if result.search_index else 0:>7.2f} {worst / 1e3:>9.0f}"
            )
            smaller = measured.get(size // 10) if size % 10 == 0 else None
            measured[size] = row
            verdicts += targets(size, row, smaller)
            if not searches:
                verdicts.append(f"  (5) search bytes not measured: no chromium at {CHROMIUM}")
            for query, (fetched, files, found, letters) in searches.items():
                verdicts.append(
                    f"  (5) first query {query}: {fetched / 1e3:.0f} KB in {files} search files, {found} results,"
                    f" {letters / 1e3:.0f} KB of it from the letters' bundle"
                    f" (limit {SEARCH_BUDGET / 1e3:.0f} KB) -> {_verdict(fetched <= SEARCH_BUDGET)}"
                )
            if result.search_index:
                found_index, again = result.search_index, incremental.search_index
                bundles = ", ".join(f"{name}/ {pages}" for name, pages in found_index.bundles.items())
                verdicts.append(
                    f"      Pagefind index: {found_index.pages} pages ({bundles}) in {found_index.seconds:.2f} s"
                    f" full; the incremental export indexed in {again.seconds if again else 0:.2f} s,"
                    f" linking {', '.join(again.reused) if again and again.reused else 'nothing'} from the live site"
                    f" and patching {', '.join(again.patched) if again and again.patched else 'nothing'}"
                )
            verdicts.append(f"      build step, full:        {steps_text(result.steps)}")
            verdicts.append(
                f"      full export: {result.early_pages} of {result.pages} pages finished while MkDocs wrote the"
                f" others (sizes, check, CSP hashes, .gz), {result.shards} mkdocs process(es)"
            )
            verdicts.append(f"      build step, incremental: {steps_text(incremental.steps)}")
            verdicts.append(f"      incremental export:      {steps_text(incremental.timings)} (critical path)")
            verdicts.append(f"  load average after {size} notices: {os.getloadavg()}")
            print(header, *rows, *verdicts, sep="\n", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
