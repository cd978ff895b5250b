"""The public ledger files (and units' calendars), written from a plan in a process of their own.

Why a process: writing every ledger (all tasks, per notice, per unit, each
as CSV, XLSX and JSON) costs several times more CPU than rendering all the
pages, and none of it is needed by ``mkdocs build``.  The exporter therefore
hands a *plan* (the ledger tasks, already taken from the snapshot) to this
module in a child process that runs on another core while MkDocs builds, and
moves the files into the built site before the swap.

A unit ledger whose plan entry names a ``calendar`` also gets ``<name>.ics``:
the due dates and check-ins of its items whose notice publishes its progress
(公开任务进展), the tasks marked ``calendar`` by the parent.

The module imports only :mod:`cms.ledger.tables` (pandas, no
Django), :mod:`cms.ledger.ical` and :mod:`export.serving` (the ``.gz`` rule):
the child cannot read the database, so a download can only hold what the
snapshot gave the parent.  The same writers also produce the bytes
in-process (:func:`ledger_bytes`), so both paths write identical files.  The
worker also writes each file's ``.gz`` (nginx's ``gzip_static``), on the
cores MkDocs leaves free, instead of the exporter compressing it at the end.
Each file is written straight to disk, one at a time, and its ``.gz``
compressed on the way, so no file's bytes are whole in memory: the largest
ledger's three formats and their ``.gz`` were 600 MB of the worker's peak
(issue 17).

Run:  python -m export.ledger_worker PLAN.json OUT_DIR
      (prints one JSON line: files, bytes, seconds, cpu_seconds)
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any

import pandas as pd

from cms.ledger.ical import CalendarItem, calendar_bytes, item_text, parse_day, utc_stamp
from cms.ledger.tables import (
    LedgerWriter,
    build_ledger,
    build_unit_items_ledger,
    build_unit_ledger,
    ledger_writers,
    select_rows,
    write_csv,
    write_json,
    write_xlsx,
)

from .children import die_with_parent
from .compression import COMPRESSED_SUFFIXES, DOWNLOAD_COMPRESS_LEVEL, write_with_gz

# At most this many processes write the ledgers (see :func:`worker_processes`).
WORKER_PROCESSES = 2

FORMATS: dict[str, Callable[[pd.DataFrame, Any], None]] = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}
CALENDAR_FORMAT = "ics"

Plan = dict[str, Any]


def ledger_plan(
    ledgers: Iterable[tuple[Any, ...]],
    as_of: date | None = None,
) -> Plan:
    """(name, tasks, by_unit[, unit[, calendar]]) per ledger → each distinct task once, ledgers as positions.

    ``unit``: the ledger is that unit's own (its 角色 and 来源 columns).
    ``calendar``: ``{"name": …, "domain": …}`` when the ledger also gets an
    ``.ics`` of its calendar tasks (decided by the parent, so the file list
    is known before the worker runs).

    A task appears in the all-tasks ledger, its notice's and each of its
    units'; listing it once keeps the plan small and lets the writer build
    every row once.
    """
    tasks: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    entries = []
    for name, ledger_tasks, by_unit, *rest in ledgers:
        positions = []
        for task in ledger_tasks:
            position = seen.get(id(task))
            if position is None:
                position = seen[id(task)] = len(tasks)
                tasks.append(task)
            positions.append(position)
        entry: dict[str, Any] = {"name": name, "positions": positions, "by_unit": by_unit}
        if rest and rest[0] is not None:
            entry["unit"] = rest[0]
        if len(rest) > 1 and rest[1]:
            entry["calendar"] = dict(rest[1])
        entries.append(entry)
    return {"tasks": tasks, "ledgers": entries, "as_of": (as_of or date.today()).isoformat()}


def worker_processes(cores: int | None = None) -> int:
    """How many processes write the ledgers: one per core MkDocs leaves over, at most two.

    Why not always two: the worker runs beside ``mkdocs build`` (one core),
    so on the 2-core server a second writer only competes with MkDocs and
    Pagefind, and a forked writer costs its own copy of every page it
    touches (Python's reference counts dirty the shared pages): at 1,000
    notices the fork was 500–800 MB of a full export's peak memory
    (issue 17: under 2 GB) for no time saved, since one writer already
    finishes long before MkDocs.
    """
    spare = (os.cpu_count() or 1) - 1 if cores is None else cores - 1
    return max(1, min(WORKER_PROCESSES, spare))


def load_plan(path: Path) -> Plan:
    """The plan as written by the exporter, each repeated text held once.

    Why: every task carries its notice's title, 文号, topic and its units'
    names; at 1,000 notices (92,000 tasks) the plan as parsed took 320 MB,
    with equal strings shared 205 MB.  Parsed from bytes, so the file's
    text is not held a second time as a Python string while parsing.
    """
    seen: dict[str, str] = {}

    def shared(values: dict[str, Any]) -> dict[str, Any]:
        for key, value in values.items():
            if type(value) is str:
                values[key] = seen.setdefault(value, value)
        return values

    plan: Plan = json.loads(path.read_bytes(), object_hook=shared)
    return plan


def file_names(plan: Plan) -> list[str]:
    """Every file the plan yields, in writing order."""
    names = []
    for entry in plan["ledgers"]:
        names += [f"{entry['name']}.{fmt}" for fmt in FORMATS]
        if entry.get("calendar"):
            names.append(f"{entry['name']}.{CALENDAR_FORMAT}")
    return names


def _has_dates(task: dict[str, Any]) -> bool:
    return parse_day(task.get("due_date")) is not None or any(
        parse_day(day) is not None for day in task.get("checkpoints") or []
    )


def has_calendar(tasks: Iterable[dict[str, Any]]) -> bool:
    """Whether :func:`calendar_items` would find any item: the parent's cheap test, stopping at the first."""
    return any(task.get("calendar") and _has_dates(task) for task in tasks)


def calendar_items(tasks: Iterable[dict[str, Any]]) -> list[CalendarItem]:
    """The calendar's items among ledger task dicts: those marked ``calendar`` (their notice's 公开任务进展 is on).

    Only items with a date to show are kept, so "no items" means "no file".
    """
    items = []
    for task in tasks:
        if not task.get("calendar"):
            continue
        source = task.get("doc_number") or task.get("doc_title") or ""
        title, description = item_text(
            task.get("task") or "",
            task.get("detail") or "",
            task.get("topic") or "",
            source,
            task.get("deadline_text") or "",
        )
        item = CalendarItem(
            uid=str(task["row_id"]),
            title=title,
            description=description,
            due=parse_day(task.get("due_date")),
            checkins=tuple(sorted({d for d in map(parse_day, task.get("checkpoints") or []) if d is not None})),
            stamp=utc_stamp(task.get("calendar_stamp")),
        )
        if item.has_events:
            items.append(item)
    return items


def every_task(plan: Plan) -> pd.DataFrame:
    """The one frame of every task of the plan that each ledger is sliced from."""
    return build_ledger(plan["tasks"], date.fromisoformat(plan["as_of"]) if plan.get("as_of") else None)


def ledger_frames(plan: Plan, every: pd.DataFrame | None = None) -> Iterator[tuple[str, pd.DataFrame]]:
    """(name, frame) per ledger, all sliced from one frame of every task (``every``, else built here)."""
    tasks = plan["tasks"]
    if every is None:
        every = every_task(plan)
    for entry in plan["ledgers"]:
        positions = entry["positions"]
        rows = select_rows(every, positions)
        if entry["by_unit"]:
            rows = build_unit_ledger([tasks[position] for position in positions], base=rows)
        elif entry.get("unit") is not None:
            rows = build_unit_items_ledger([tasks[position] for position in positions], entry["unit"], base=rows)
        yield entry["name"], rows


def _write_calendar(tasks: list[dict[str, Any]], entry: dict[str, Any], out: IO[bytes]) -> None:
    calendar = entry["calendar"]
    items = calendar_items(tasks[position] for position in entry["positions"])
    out.write(calendar_bytes(calendar["name"], items, calendar["domain"]))


def ledger_outputs(plan: Plan, every: pd.DataFrame | None = None) -> Iterator[tuple[str, LedgerWriter]]:
    """(file name, its writer into a new binary file) for every ledger in every format, and its calendar.

    Call each writer before taking the next: a ledger's frame is built when
    its first format is reached and let go after its last.
    """
    tasks = plan["tasks"]
    for entry, (name, frame) in zip(plan["ledgers"], ledger_frames(plan, every), strict=True):
        writers = ledger_writers(frame)  # the formats share the neutralised frame
        for fmt in FORMATS:
            yield f"{name}.{fmt}", writers[fmt]
        if entry.get("calendar"):
            yield f"{name}.{CALENDAR_FORMAT}", partial(_write_calendar, tasks, entry)


def ledger_bytes(plan: Plan, every: pd.DataFrame | None = None) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every ledger in every format, and its calendar where the plan has one."""
    for name, write in ledger_outputs(plan, every):
        buffer = io.BytesIO()
        write(buffer)
        yield name, buffer.getvalue()


def split_plan(plan: Plan, parts: int) -> list[Plan]:
    """The plan's ledgers dealt into ``parts`` plans of about equal rows (largest first, to the lightest).

    Every part keeps the whole task list, so positions stay valid; ties go by
    name, so the split never varies.
    """
    entries: list[list[dict[str, Any]]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for entry in sorted(plan["ledgers"], key=lambda e: (-len(e["positions"]), e["name"])):
        lightest = min(range(parts), key=lambda n: (loads[n], n))
        entries[lightest].append(entry)
        loads[lightest] += len(entry["positions"]) + 1
    return [{**plan, "ledgers": chosen} for chosen in entries if chosen]


def _write_part(plan: Plan, every: pd.DataFrame | None, out_dir: Path) -> None:
    """Each file of ``plan``, and its ``.gz`` where nginx would want one (see export/serving.py).

    Written in place: ``out_dir`` is the worker's own, moved into the site
    only once every file is there (:meth:`export.downloads.LedgerStep.install`).
    """
    for name, write in ledger_outputs(plan, every):
        path = out_dir / name
        if path.suffix in COMPRESSED_SUFFIXES:
            write_with_gz(path, write, DOWNLOAD_COMPRESS_LEVEL)
        else:
            with path.open("wb") as handle:
                write(handle)


def write_ledgers(plan: Plan, out_dir: Path, processes: int = 1) -> tuple[int, int]:
    """Write every file into a new ``out_dir``; (files, bytes), ``.gz`` files not counted.

    ``processes`` > 1: the ledgers are dealt between that many forked
    processes, so writing them uses every core once MkDocs is done (XLSX
    alone costs more CPU than the whole page build).  Each file is written by
    exactly one process from the same frame, so the bytes do not depend on
    the split.
    """
    out_dir.mkdir(parents=True)
    every = every_task(plan) if plan["tasks"] else None
    parts = split_plan(plan, processes) if processes > 1 and hasattr(os, "fork") else [plan]
    children = []
    for part in parts[1:]:
        arm = die_with_parent(os.getpid())
        pid = os.fork()
        if pid == 0:  # the child writes its share and leaves without running the parent's cleanup
            code = 1
            try:
                if arm is not None:  # a fork does not inherit the worker's own "die with the export"
                    arm()
                _write_part(part, every, out_dir)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        children.append(pid)
    _write_part(parts[0] if parts else plan, every, out_dir)
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} 个台账子进程失败")
    names = file_names(plan)
    return len(names), sum((out_dir / name).stat().st_size for name in names)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("用法：python -m export.ledger_worker 计划.json 输出目录", file=sys.stderr)
        return 2
    started = time.perf_counter()
    plan = load_plan(Path(argv[1]))
    files, size = write_ledgers(plan, Path(argv[2]), processes=worker_processes())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "files": files,
        "bytes": size,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() + children.ru_utime + children.ru_stime,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
