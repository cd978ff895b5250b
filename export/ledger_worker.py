"""The public ledger files, written from a plan in a process of their own.

Why a process: writing every ledger (all tasks, per notice, per unit, each
as CSV, XLSX and JSON) costs several times more CPU than rendering all the
pages, and none of it is needed by ``mkdocs build``.  The exporter therefore
hands a *plan* (the ledger tasks, already taken from the snapshot) to this
module in a child process that runs on another core while MkDocs builds, and
moves the files into the built site before the swap.

The module imports only :mod:`cms.ledger.tables` (pandas and xlsxwriter, no
Django): the child cannot read the database, so a download can only hold
what the snapshot gave the parent.  The same functions also produce the
bytes in-process (:func:`ledger_bytes`), so both paths write identical files.

Run:  python -m export.ledger_worker PLAN.json OUT_DIR
      (prints one JSON line: files, bytes, seconds, cpu_seconds)
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from cms.ledger.tables import (
    build_ledger,
    build_unit_items_ledger,
    build_unit_ledger,
    select_rows,
    write_csv,
    write_json,
    write_xlsx,
)

FORMATS: dict[str, Callable[[pd.DataFrame, Any], None]] = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}

Plan = dict[str, Any]


def ledger_plan(
    ledgers: Iterable[tuple[str, list[dict[str, Any]], bool] | tuple[str, list[dict[str, Any]], bool, int | None]],
    as_of: date | None = None,
) -> Plan:
    """(name, tasks, by_unit[, unit]) per ledger → each distinct task once, ledgers as positions.

    ``unit``: the ledger is that unit's own (its 角色 and 来源 columns).

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
        entries.append(entry)
    return {"tasks": tasks, "ledgers": entries, "as_of": (as_of or date.today()).isoformat()}


def file_names(plan: Plan) -> list[str]:
    """Every file the plan yields, in writing order."""
    return [f"{entry['name']}.{fmt}" for entry in plan["ledgers"] for fmt in FORMATS]


def ledger_frames(plan: Plan) -> Iterator[tuple[str, pd.DataFrame]]:
    """(name, frame) per ledger, all sliced from one frame of every task."""
    tasks = plan["tasks"]
    as_of = date.fromisoformat(plan["as_of"]) if plan.get("as_of") else None
    every = build_ledger(tasks, as_of)
    for entry in plan["ledgers"]:
        positions = entry["positions"]
        rows = select_rows(every, positions)
        if entry["by_unit"]:
            rows = build_unit_ledger([tasks[position] for position in positions], base=rows)
        elif entry.get("unit") is not None:
            rows = build_unit_items_ledger([tasks[position] for position in positions], entry["unit"], base=rows)
        yield entry["name"], rows


def ledger_bytes(plan: Plan) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every ledger in every format."""
    for name, frame in ledger_frames(plan):
        for fmt, writer in FORMATS.items():
            buffer = io.BytesIO()
            writer(frame, buffer)
            yield f"{name}.{fmt}", buffer.getvalue()


def write_ledgers(plan: Plan, out_dir: Path) -> tuple[int, int]:
    """Write every file into a new ``out_dir``; (files, bytes)."""
    out_dir.mkdir(parents=True)
    files = size = 0
    for name, data in ledger_bytes(plan):
        (out_dir / name).write_bytes(data)
        files, size = files + 1, size + len(data)
    return files, size


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("用法：python -m export.ledger_worker 计划.json 输出目录", file=sys.stderr)
        return 2
    started = time.perf_counter()
    plan = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    files, size = write_ledgers(plan, Path(argv[2]))
    report = {
        "files": files,
        "bytes": size,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time(),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
