"""Public ledger downloads (台账) built from the site's documents.

All tasks, per notice and per unit, each as BOM CSV, XLSX and JSON, under
``downloads/`` with ASCII names.  A unit's ledger also gets ``.ics`` (due
dates and check-ins, for phone calendars) of its items whose notice has
公开任务进展 on, and only those: the switch that publishes a notice's
progress publishes its calendar; no such item, no file.  Built from the
same ``Site`` the pages come from, so a download can only hold what the
pages show.  The files are
written by :class:`LedgerStep` in a child process during ``mkdocs build``
(see :mod:`export.ledger_worker`), straight into the built site.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cms.core.markdown import escape_html, md_text
from cms.ledger.cadence import ongoing_cadence
from cms.ledger.ical import FALLBACK_DOMAIN, utc_stamp
from cms.ledger.obligations import body_text, iter_obligations
from cms.ledger.schedule import document_year, page_period, schedule_obligation
from cms.ledger.tables import ledger_file_name

from .assignments import link_source
from .children import die_with_parent
from .ledger_worker import CALENDAR_FORMAT, Plan, file_names, has_calendar, ledger_bytes, ledger_plan
from .serving import DOWNLOADS_DIR, LEDGER_FORMATS, download_file_name, named_download_url
from .site import Site
from .tree import DocumentPage, href, is_cover, notice_addressees, walk

if TYPE_CHECKING:
    from .render_cache import RenderCache

PROJECT_DIR = Path(__file__).resolve().parent.parent
SIZE_MARK = "data-gk-size"  # the attribute of the span that carries a download's size
CALENDAR_LINK = "订阅任务日历"
CALENDAR_HINT = "可导入手机日历，列出截止日期和节点。"


@dataclass
class Ledger:
    name: str  # file stem under downloads/, ASCII
    title: str
    tasks: list[dict[str, Any]]
    by_unit: bool = False
    subject: str = ""  # the unit or document the ledger is of, for the saved file's name
    unit: int | None = None  # a unit's own ledger: its 角色 and 来源 columns
    # The ledger's public calendar (downloads/<name>.ics): its name, empty when there is none,
    # and the domain of its events' UIDs.  Both part of the ledger's digest (export/build.py).
    calendar: str = ""
    calendar_domain: str = ""

    @property
    def calendar_plan(self) -> dict[str, str] | None:
        """What the ledger process needs to write the calendar, or None."""
        return {"name": self.calendar, "domain": self.calendar_domain} if self.calendar else None

    @functools.cached_property
    def file_label(self) -> str:
        """The name a browser saves the file under: ``2024年-东石镇-任务台账`` (no extension).

        Worked out once: the page links, the downloads page and the serving
        names each ask for it, and the all-tasks ledger reads 90,000 tasks'
        years at 1,000 notices.
        """
        # The distinct values first: the all-tasks ledgers have 90,000 tasks of a handful of years.
        years = sorted({int(year) for year in {task.get("year") for task in self.tasks} if year})
        span = [f"{years[0]}年" if len(years) == 1 else f"{years[0]}-{years[-1]}年"] if years else []
        everything = "全部（按责任单位逐行）" if self.by_unit else "全部"
        return ledger_file_name([*span, self.subject or everything], "").removesuffix(".")


def page_texts(notice: DocumentPage) -> dict[str, str]:
    """Path → plain text of the body, for the notice and each of its pages (read once per export)."""
    return {page.path: body_text(page.record.get("body")) for page in walk([notice])}


def notice_context(notice: DocumentPage, texts: dict[str, str] | None = None) -> tuple[str, int | None]:
    """(text of the notice and its pages, its 年度): the same reading as the admin index.

    ``texts``: :func:`page_texts` of the notice, when the caller has them already.
    """
    text = "\n".join((page_texts(notice) if texts is None else texts).values())
    return text, document_year(notice.notice.get("year"), notice.title, text)


def page_tasks(
    site: Site,
    page: DocumentPage,
    context: tuple[str, int | None] | None = None,
    cadence: str = "",
    text: str | None = None,
    notice_page: DocumentPage | None = None,
) -> list[dict[str, Any]]:
    """The ledger dicts of one page's tracked items (task rows, targets, indicator cells), scheduled.

    ``text``: the page's body as plain text, when the caller has it already;
    ``notice_page``: the notice ``page`` belongs to, likewise (else looked up).
    """
    notice = page.notice
    notice_page = notice_page or _notice_page(site, page)
    notice_text, year = context or notice_context(notice_page)
    progress = notice.get("progress") or {}
    attachment = page.link_label if page.kind != "notice" else ""
    body = page.record.get("body") or []
    letter_unit = page.record.get("unit_id") if page.kind == "letter" else None
    letter_name = ""
    if page.kind == "letter":
        unit = site.units.get(letter_unit) if letter_unit is not None else None
        letter_name = unit["name"] if unit else page.title
    period = page_period(page.title, body_text(body) if text is None else text, notice_page.title, notice_text, year)
    tasks = []
    rows = iter_obligations(
        body,
        title=page.title,
        letter_unit=letter_unit,
        letter_unit_name=letter_name,
        paragraph_targets=not is_cover(page),
        addressees=notice_addressees(notice, site.groups),
    )
    for row_id, row in rows:
        named: dict[str, list[str]] = {"lead": [], "support": [], "unstated": []}
        unit_links = []
        # Groups (各乡镇（街道）) and the 主送 list reach each member unit, as on the unit pages.
        for link in site.groups.links(row["units"]):
            unit = site.units.get(link.unit)
            if unit is None:
                continue
            name = unit["name"]
            named.get(link.role, named["lead"]).append(name)
            via = site.groups.names.get(link.group, "") if link.group is not None else ""
            unit_links.append(
                {"unit": link.unit, "name": name, "role": link.role, "source": link_source(via, link.addressee)}
            )
        for ref in row["units"]:
            if ref.get("unit") is None and ref.get("group") is None and ref.get("name"):
                named.get(ref.get("role") or "lead", named["lead"]).append(ref["name"])
        status = progress.get(row_id, {})
        # Only a notice that publishes its progress puts its items in the public calendars.
        public_calendar = bool(notice.get("publish_progress"))
        deadline_text = row.get("deadline") or ""
        schedule = schedule_obligation(
            deadline_text, f"{row.get('task') or ''}。{row.get('detail') or ''}", period, cadence or ongoing_cadence()
        )
        tasks.append(
            {
                "row_id": row_id,
                "kind": row["kind"],
                "year": year,
                "doc_number": notice.get("doc_number") or "",
                "doc_title": notice.get("title") or "",
                "attachment": attachment,
                "topic": row.get("topic") or "",
                "task": row.get("task") or "",
                "detail": row.get("detail") or "",
                "target_value": row.get("target_value"),
                "deadline_text": deadline_text,
                "due_date": schedule.due.isoformat() if schedule.due else None,
                "checkpoints": [day.isoformat() for day in schedule.checkpoints],
                "lead_units": named["lead"],
                "support_units": named["support"],
                "unstated_units": named["unstated"],
                "units_text": row.get("units_text") or "",
                "progress_status": status.get("status", ""),
                "progress_note": status.get("note", ""),
                "progress_date": status.get("date"),
                "url": f"{page.path[:-3]}.html#task-{row_id}",
                "unit_links": unit_links,
                "calendar": public_calendar,
                # DTSTAMP: the notice's last publication, from the data (empty when unused, so it
                # changes no digest of a notice without a calendar).
                "calendar_stamp": (utc_stamp(notice.get("last_published_at")).isoformat() if public_calendar else ""),
            }
        )
    return tasks


def _short_title(notice: DocumentPage) -> str:
    """A notice in a file name: its 发文字号, else its title cut to a readable length."""
    return notice.notice.get("doc_number") or notice.title[:40]


def _notice_page(site: Site, page: DocumentPage) -> DocumentPage:
    for notice in site.notices:
        if notice.path == page.notice_path:
            return notice
    return page


def ledgers(site: Site, cache: RenderCache | None = None) -> list[Ledger]:
    """All items, then per notice, then per unit (each unit's items in all-items order).

    ``cache``: each notice's items from the previous export where their
    inputs are the same (export/render_cache.py); the ledgers are put
    together from them as from freshly made ones.
    """
    all_tasks: list[dict[str, Any]] = []
    out: list[Ledger] = []
    cadence = ongoing_cadence()
    for notice in site.notices:
        entry = cache.entry(notice) if cache is not None else None
        if entry is not None and entry.tasks is not None:
            tasks = entry.tasks
        else:
            tasks = notice_tasks(site, notice, cadence)
            if entry is not None:
                entry.tasks = tasks
        if tasks:
            slug = notice.path.removeprefix("notices/").removesuffix(".md")
            out.append(Ledger(f"notice-{slug}", f"{notice.title}任务台账", tasks, subject=_short_title(notice)))
        all_tasks += tasks
    # One pass over the tasks instead of one per unit: the registry has hundreds of units.
    by_unit: dict[Any, list[dict[str, Any]]] = {}
    for task in all_tasks:
        for uid in dict.fromkeys(link["unit"] for link in task["unit_links"]):
            by_unit.setdefault(uid, []).append(task)
    domain = calendar_domain(site)
    for uid, unit in site.units.items():
        tasks = by_unit.get(uid, [])
        if tasks:
            slug = site.unit_paths[uid].removeprefix("units/").removesuffix(".md")
            title = unit.get("display_name") or unit["name"]
            calendar = f"{title}任务日历" if has_calendar(tasks) else ""
            out.append(
                Ledger(
                    f"unit-{slug}",
                    f"{title}任务台账",
                    tasks,
                    subject=title,
                    unit=uid,
                    calendar=calendar,
                    calendar_domain=domain if calendar else "",
                )
            )
    if all_tasks:
        out.insert(0, Ledger("tasks-by-unit", "全部任务台账（按责任单位逐行）", all_tasks, by_unit=True))
        out.insert(0, Ledger("tasks", "全部任务台账", all_tasks))
    return out


def notice_tasks(site: Site, notice: DocumentPage, cadence: str) -> list[dict[str, Any]]:
    """The ledger dicts of a notice and every page below it, in page order."""
    texts = page_texts(notice)
    context = notice_context(notice, texts)
    return [
        task
        for page in walk([notice])
        for task in page_tasks(site, page, context, cadence, texts[page.path], notice_page=notice)
    ]


def calendar_domain(site: Site) -> str:
    """The domain of the calendars' event UIDs: the public site's host (网站标识), else a fixed one."""
    url = (site.snapshot.get("identity") or {}).get("site_url") or ""
    return urlsplit(url).hostname or FALLBACK_DOMAIN


def plan_of(items: Iterable[Ledger], as_of: date | None = None) -> Plan:
    """The worker's plan for these ledgers (plain data, from the snapshot only).

    ``as_of`` (default: today) is the day 下次节点 is counted from, fixed in
    the plan so the child process and an in-process build agree.
    """
    return ledger_plan(
        ((ledger.name, ledger.tasks, ledger.by_unit, ledger.unit, ledger.calendar_plan) for ledger in items),
        as_of or date.today(),
    )


def ledger_files(items: Iterable[Ledger]) -> list[tuple[str, bytes]]:
    """(path under the site, bytes) for every ledger in every format, written in this process."""
    return [(f"{DOWNLOADS_DIR}/{name}", data) for name, data in ledger_bytes(plan_of(items))]


class LedgerStepError(Exception):
    """The ledger process failed or left files out; the message is Chinese, for the editor."""


@dataclass
class LedgerStats:
    files: int
    bytes: int
    seconds: float  # wall-clock of the worker
    cpu_seconds: float  # CPU time of the worker (off the critical path while MkDocs builds)
    waited: float  # how long the export waited for it after MkDocs had finished


class LedgerStep:
    """Writes the ledger files in a child process while ``mkdocs build`` runs on another core.

    Why: the ledgers are not MkDocs pages (MkDocs only copied them, hundreds
    of MB at 1,000 notices), and writing them cost several times the page
    rendering.  Started before MkDocs and joined after it, the step costs the
    export only what it takes longer than the build.  Its files land in
    ``<work>/downloads`` and are moved into the built site by
    :meth:`install`, before the atomic swap, so a failure of either process
    still leaves the previous site untouched.
    """

    def __init__(self, items: list[Ledger], as_of: date | None = None) -> None:
        self.plan = plan_of(items, as_of)
        self.process: subprocess.Popen[bytes] | None = None
        self.out_dir: Path | None = None
        self.started = 0.0

    @property
    def files(self) -> list[str]:
        """The file names (under downloads/) the step writes; their ``.gz`` where worth one too."""
        return file_names(self.plan)

    def start(self, work: Path) -> None:
        plan_path, self.out_dir = work / "ledger-plan.json", work / DOWNLOADS_DIR
        plan_path.write_text(json.dumps(self.plan, ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
        with open(work / "ledger.out", "wb") as stdout, open(work / "ledger.err", "wb") as stderr:
            self.started = time.perf_counter()
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [*worker_command(), str(plan_path), str(self.out_dir)],
                stdout=stdout,
                stderr=stderr,
                env=env,
                cwd=work,
                preexec_fn=die_with_parent(os.getpid()),
            )

    def ended(self) -> bool:
        """Whether the worker has ended well; never waits.

        Its files' sizes are final then, so pages can show them before the
        files are moved into the site (:class:`export.finish.PageStream`).
        """
        return self.process is not None and self.process.poll() == 0

    def wait(self) -> None:
        """Wait for the worker to end, however it ends (:meth:`finish` checks how)."""
        if self.process is not None:
            self.process.wait()

    def stop(self) -> None:
        """End the worker if it still runs (the export failed elsewhere)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def finish(self) -> LedgerStats:
        """Wait for the worker; every planned file must be there, or :class:`LedgerStepError`."""
        assert self.process is not None and self.out_dir is not None, "start() first"
        waiting = time.perf_counter()
        code = self.process.wait()
        waited = time.perf_counter() - waiting
        work = self.out_dir.parent
        if code != 0:
            reason = f"信号 {-code} 终止" if code < 0 else f"退出码 {code}"
            detail = _tail((work / "ledger.err").read_text(encoding="utf-8", errors="replace"))
            if "[Errno 28]" in detail or "No space left on device" in detail:
                # Reported like a full disk in this process, so the export says 磁盘空间不足.
                raise OSError(errno.ENOSPC, f"台账进程：{detail}")
            raise LedgerStepError(f"台账文件生成失败（台账进程{reason}）。\n{detail}".rstrip())
        expected = file_names(self.plan)
        present = {path.name for path in self.out_dir.iterdir()} if self.out_dir.is_dir() else set()
        missing = [name for name in expected if name not in present]
        if missing:
            shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
            raise LedgerStepError(f"台账文件不完整（缺少 {len(missing)} 个：{shown}）。")
        try:
            report = json.loads((work / "ledger.out").read_text(encoding="utf-8").splitlines()[-1])
        except (IndexError, ValueError):
            report = {}
        return LedgerStats(
            files=len(expected),
            bytes=sum((self.out_dir / name).stat().st_size for name in expected),
            seconds=float(report.get("seconds", time.perf_counter() - self.started)),
            cpu_seconds=float(report.get("cpu_seconds", 0.0)),
            waited=waited,
        )

    def install(self, site_dir: Path) -> None:
        """Move the finished files to ``<site>/downloads`` (one rename, same filesystem)."""
        assert self.out_dir is not None, "start() first"
        target = site_dir / DOWNLOADS_DIR
        if target.exists():  # the ledger step owns downloads/; nothing else may put files there
            shutil.rmtree(target)
        os.rename(self.out_dir, target)


def worker_command() -> list[str]:
    """The child's argv before its two arguments (a function, so tests can swap in a failing one)."""
    return [sys.executable, "-m", "export.ledger_worker"]


def _tail(text: str, limit: int = 10) -> str:
    return "\n".join([line for line in text.splitlines() if line.strip()][-limit:])


def _reading_name(file_label: str) -> str:
    """``2024年-东石镇-任务台账`` → ``2024年东石镇任务台账``: the saved name as a phrase (a year span keeps its -)."""
    return re.sub(r"(?<!\d)-|-(?!\d)", "", file_label) or "任务台账"


def _size_mark(file_name: str) -> str:
    """Where :func:`fill_download_sizes` writes ``，12 KB`` once the file exists (empty until then)."""
    return f'<span {SIZE_MARK}="{file_name}"></span>'


def _download_target(stem: str, label: str, fmt: str) -> str:
    """The named path (``downloads/<stem>/<中文名>.<fmt>``, see export/serving.py), else the ASCII file."""
    return named_download_url(stem, label, fmt) if label else f"{DOWNLOADS_DIR}/{stem}.{fmt}"


def _download_url(from_path: str, stem: str, label: str, fmt: str) -> str:
    return href(from_path, _download_target(stem, label, fmt))


def download_links(from_path: str, stem: str, file_label: str = "") -> str:
    """A line of links to one ledger's three formats, relative to ``from_path``.

    Each link names what it holds and how big it is, 「2024年东石镇任务台账（XLSX，12 KB）」:
    a screen reader's list of links and an older reader on a slow phone
    both know what they get before they tap.  The link goes to the file's
    Chinese-named path, so it saves as ``2024年-东石镇-任务台账.xlsx`` from
    any server or from disk.
    """
    links = " · ".join(
        f'<a href="{href(from_path, target)}" download{saved_as}>{text}</a>'
        for target, saved_as, text in _download_parts(stem, file_label)
    )
    return f'<p class="downloads">下载任务台账（CSV 可直接用 Excel/WPS 打开，JSON 供系统对接）：{links}</p>\n\n'


@functools.lru_cache(maxsize=4096)
def _download_parts(stem: str, file_label: str) -> tuple[tuple[str, str, str], ...]:
    """Per format, what :func:`download_links` shows wherever it is: (target, ``download`` value, link text).

    Worked out once per ledger: every page of a notice links to its ledger
    (10,000 pages at 1,000 notices), and only the relative path differs.
    """
    name = escape_html(_reading_name(file_label))
    parts = []
    for fmt in LEDGER_FORMATS:
        target = _download_target(stem, file_label, fmt)
        saved_as = f'="{escape_html(download_file_name(file_label, fmt))}"' if file_label else ""
        parts.append((target, saved_as, f"{name}（{fmt.upper()}{_size_mark(f'{stem}.{fmt}')}）"))
    return tuple(parts)


def calendar_link(from_path: str, stem: str, label: str) -> str:
    """The link to a unit's calendar, named and sized, with a hint; ``label``: the calendar's name."""
    saved_as = escape_html(download_file_name(label, CALENDAR_FORMAT))
    url = _download_url(from_path, stem, label, CALENDAR_FORMAT)
    mark = _size_mark(f"{stem}.{CALENDAR_FORMAT}")
    return (
        f'<p class="downloads calendar">{CALENDAR_LINK}：<a href="{url}" download="{saved_as}">'
        f"{escape_html(label)}（ICS{mark}）</a>（{CALENDAR_HINT}）</p>\n\n"
    )


def file_size_text(size: int) -> str:
    """``12 KB``: what a reader on a metered phone plan wants to know, rounded up to a whole unit."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


_SIZE_MARK = re.compile(rf'(<span {SIZE_MARK}="([A-Za-z0-9._-]+)">)[^<]*(</span>)')


class SizeFiller:
    """Writes each linked download's size into page text, each file's size looked up once."""

    def __init__(self, downloads: Path) -> None:
        self.downloads = downloads
        self.sizes: dict[str, str] = {}

    def _size_of(self, match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in self.sizes:
            # One stat per file (downloads.html shows the size of every ledger file, thousands of them).
            try:
                found = os.stat(self.downloads / name)
            except (OSError, ValueError):
                self.sizes[name] = ""
            else:
                self.sizes[name] = f"，{file_size_text(found.st_size)}" if stat.S_ISREG(found.st_mode) else ""
        return f"{match.group(1)}{self.sizes[name]}{match.group(3)}"

    def fill(self, text: str) -> str | None:
        """The page with its sizes written, or None when it has none to write or they are already right."""
        if SIZE_MARK not in text:
            return None
        filled = _SIZE_MARK.sub(self._size_of, text)
        return None if filled == text else filled


def fill_download_sizes(site_dir: Path, pages: Iterable[str] | None = None) -> list[str]:
    """Write each linked download's size into the built pages; returns the pages rewritten.

    The ledger files are written by their own process while MkDocs builds
    the pages (:class:`LedgerStep`), so their sizes are only known here,
    after both.  A page an incremental export linked from the live site is
    rewritten (never in place: its inode is the live page) only when a
    size changed, e.g. a unit's ledger whose 下次节点 moved with the date.
    ``pages`` (site paths): the pages that may show a size; None looks in
    every page.  The exporter does the same page by page in
    :func:`export.finish.finish_site`.
    """
    filler = SizeFiller(site_dir / DOWNLOADS_DIR)
    if pages is None:
        pages = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*.html"))
    changed = []
    for name in pages:
        page = site_dir / name
        filled = filler.fill(page.read_text(encoding="utf-8"))
        if filled is not None:
            page.unlink()
            page.write_text(filled, encoding="utf-8")
            changed.append(name)
    return changed


_SIZED_FILE = re.compile(rf'<span {SIZE_MARK}="([A-Za-z0-9._-]+)">')


def sized_files(text: str) -> frozenset[str]:
    """The download files whose size a page's Markdown (or HTML) shows, by file name under downloads/."""
    return frozenset(_SIZED_FILE.findall(text)) if SIZE_MARK in text else frozenset()


def downloads_page(items: list[Ledger]) -> str:
    path = "downloads.md"
    out = ["---\ntitle: 台账下载\n---\n\n", "# 台账下载\n\n"]
    if not items:
        return "".join(out) + "暂无任务台账。\n"
    out.append("CSV 为带 BOM 的 UTF-8，可直接用 Excel 或 WPS 打开；XLSX 首行冻结并可筛选。\n\n")
    for ledger in items:
        # Titles are editors' text (notice titles, unit names): data, never markup.
        out.append(f"## {md_text(ledger.title)}（{len(ledger.tasks)}项）\n\n")
        out.append(download_links(path, ledger.name, ledger.file_label))
        if ledger.calendar:
            out.append(calendar_link(path, ledger.name, ledger.calendar))
    return "".join(out)
