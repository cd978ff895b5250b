"""Public ledger downloads (台账) built from the site's documents.

All tasks, per notice and per unit, each as BOM CSV, XLSX and JSON, under
``downloads/`` with ASCII names.  Built from the same ``Site`` the pages
come from, so a download can only hold what the pages show.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cms.core.markdown import md_text
from cms.core.tasks import iter_task_rows

from .ledger import build_ledger, build_unit_ledger, write_csv, write_json, write_xlsx
from .site import DocumentPage, Site, walk

FORMATS: dict[str, Callable[[pd.DataFrame, Any], None]] = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}
FORMAT_LABELS = {"csv": "CSV（Excel/WPS 可直接打开）", "xlsx": "Excel（XLSX）", "json": "JSON（供系统对接）"}


@dataclass
class Ledger:
    name: str  # file stem under downloads/, ASCII
    title: str
    tasks: list[dict[str, Any]]
    by_unit: bool = False


def page_tasks(site: Site, page: DocumentPage) -> list[dict[str, Any]]:
    """The ledger dicts of one page's task rows."""
    notice = page.notice
    progress = notice.get("progress") or {}
    attachment = page.link_label if page.kind != "notice" else ""
    tasks = []
    for row_id, row in iter_task_rows(page.record.get("body") or []):
        leads, supports = [], []
        for ref in row["units"]:
            unit = site.units.get(ref["unit"]) if ref["unit"] is not None else None
            name = unit["name"] if unit else ref["name"]
            (leads if ref["role"] == "lead" else supports).append(name)
        status = progress.get(row_id, {})
        tasks.append(
            {
                "row_id": row_id,
                "year": notice.get("year"),
                "doc_number": notice.get("doc_number") or "",
                "doc_title": notice.get("title") or "",
                "attachment": attachment,
                "topic": row.get("topic") or "",
                "task": row.get("task") or "",
                "detail": row.get("detail") or "",
                "deadline_text": row.get("deadline") or "",
                "lead_units": leads,
                "support_units": supports,
                "units_text": row.get("units_text") or "",
                "progress_status": status.get("status", ""),
                "progress_note": status.get("note", ""),
                "progress_date": status.get("date"),
                "url": f"{page.path[:-3]}.html#task-{row_id}",
                "unit_ids": [ref["unit"] for ref in row["units"] if ref["unit"] is not None],
            }
        )
    return tasks


def ledgers(site: Site) -> list[Ledger]:
    all_tasks: list[dict[str, Any]] = []
    out: list[Ledger] = []
    for notice in site.notices:
        tasks = [t for page in walk([notice]) for t in page_tasks(site, page)]
        if tasks:
            slug = notice.path.removeprefix("notices/").removesuffix(".md")
            out.append(Ledger(f"notice-{slug}", f"{notice.title}任务台账", tasks))
        all_tasks += tasks
    for uid, unit in site.units.items():
        tasks = [t for t in all_tasks if uid in t["unit_ids"]]
        if tasks:
            slug = site.unit_paths[uid].removeprefix("units/").removesuffix(".md")
            out.append(Ledger(f"unit-{slug}", f"{unit['name']}任务台账", tasks, by_unit=False))
    if all_tasks:
        out.insert(0, Ledger("tasks-by-unit", "全部任务台账（按责任单位逐行）", all_tasks, by_unit=True))
        out.insert(0, Ledger("tasks", "全部任务台账", all_tasks))
    return out


def ledger_files(items: Iterable[Ledger]) -> list[tuple[str, bytes]]:
    """(path under the docs dir, bytes) for every ledger in every format."""
    files = []
    for ledger in items:
        frame = build_unit_ledger(ledger.tasks) if ledger.by_unit else build_ledger(ledger.tasks)
        for fmt, writer in FORMATS.items():
            buffer = io.BytesIO()
            writer(frame, buffer)
            files.append((f"downloads/{ledger.name}.{fmt}", buffer.getvalue()))
    return files


def download_links(from_path: str, stem: str) -> str:
    """A line of links to one ledger's three formats, relative to ``from_path``."""
    from .site import href

    links = " · ".join(
        f'<a href="{href(from_path, f"downloads/{stem}.{fmt}")}" download>{label}</a>'
        for fmt, label in FORMAT_LABELS.items()
    )
    return f'<p class="downloads">下载任务台账：{links}</p>\n\n'


def downloads_page(items: list[Ledger]) -> str:
    path = "downloads.md"
    out = ["---\ntitle: 台账下载\nsearch:\n  exclude: true\n---\n\n", "# 台账下载\n\n"]
    if not items:
        return "".join(out) + "暂无任务台账。\n"
    out.append("CSV 为带 BOM 的 UTF-8，可直接用 Excel 或 WPS 打开；XLSX 首行冻结并可筛选。\n\n")
    for ledger in items:
        # Titles are editors' text (notice titles, unit names): data, never markup.
        out.append(f"## {md_text(ledger.title)}（{len(ledger.tasks)}项）\n\n")
        out.append(download_links(path, ledger.name))
    return "".join(out)
