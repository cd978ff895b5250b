"""The ledger plan fixes the day 下次节点 is counted from, so equal content on that day gives equal bytes."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from cms.ledger.tables import write_csv, write_json, write_xlsx
from export.compression import DOWNLOAD_COMPRESS_LEVEL, compressed
from export.ledger_worker import (
    file_names,
    ledger_bytes,
    ledger_frames,
    ledger_plan,
    load_plan,
    split_plan,
    worker_processes,
    write_ledgers,
)


def _task() -> dict:
    return {
        "row_id": "r1",
        "year": 2024,
        "task": "召开消安委会议",
        "deadline_text": "每季度",
        "due_date": "2024-12-31",
        "checkpoints": ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"],
        "lead_units": ["东石镇"],
    }


def _json(plan: dict) -> list[dict]:
    files = dict(ledger_bytes(plan))
    return json.loads(files["all.json"])


def test_ledger_plan__next_checkin_counted_from_the_plans_day() -> None:
    spring = ledger_plan([("all", [_task()], False)], date(2024, 4, 1))
    assert spring["as_of"] == "2024-04-01"
    assert _json(spring)[0]["下次节点"] == "2024-06-30"
    assert _json(ledger_plan([("all", [_task()], False)], date(2025, 1, 1)))[0]["下次节点"] is None
    assert _json(spring)[0]["截止日期"] == "2024-12-31"


def test_ledger_bytes__same_plan_same_bytes_in_every_format() -> None:
    first = dict(ledger_bytes(ledger_plan([("all", [_task()], False)], date(2024, 4, 1))))
    again = dict(ledger_bytes(ledger_plan([("all", [_task()], False)], date(2024, 4, 1))))
    assert first == again and set(first) == {"all.csv", "all.xlsx", "all.json"}


def test_ledger_bytes__calendar_only_where_planned_and_only_of_marked_tasks() -> None:
    public = {**_task(), "calendar": True, "calendar_stamp": "2024-01-02T03:04:05+00:00"}
    private = {**_task(), "row_id": "r2", "task": "不公开的任务", "due_date": "2024-08-31", "checkpoints": []}
    calendar = {"name": "东石镇任务日历", "domain": "example.org"}
    plan = ledger_plan([("unit-a", [public, private], False, 1, calendar), ("tasks", [public, private], False)])
    files = dict(ledger_bytes(plan))
    assert file_names(plan) == list(files) and "unit-a.ics" in files and "tasks.ics" not in files
    text = files["unit-a.ics"].decode().replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 4  # due date 12-31 and the check-ins 03-31, 06-30, 09-30
    assert "不公开的任务" not in text and "DTSTART;VALUE=DATE:20240831" not in text
    assert "DTSTAMP:20240102T030405Z" in text and "UID:r1-due@example.org" in text


def _many_ledgers() -> dict:
    tasks = [{**_task(), "row_id": f"r{n}", "task": f"任务{n}" * (n + 1), "calendar": True} for n in range(12)]
    calendar = {"name": "任务日历", "domain": "example.org"}
    return ledger_plan(
        [("all", tasks, False), *((f"unit-{n}", tasks[: n + 1], False, n, calendar) for n in range(5))],
        date(2024, 4, 1),
    )


def test_split_plan__every_ledger_in_exactly_one_part_rows_balanced() -> None:
    plan = _many_ledgers()
    parts = split_plan(plan, 2)
    names = [entry["name"] for part in parts for entry in part["ledgers"]]
    assert sorted(names) == sorted(entry["name"] for entry in plan["ledgers"])
    rows = [sum(len(entry["positions"]) for entry in part["ledgers"]) for part in parts]
    assert rows == [14, 13]  # 12 + 2 against 5 + 4 + 3 + 1: largest first, each to the lighter part
    assert all(part["tasks"] is plan["tasks"] for part in parts)


def test_write_ledgers__two_processes_write_the_bytes_of_one_and_each_gz(tmp_path: Path) -> None:
    plan = _many_ledgers()
    write_ledgers(plan, tmp_path / "one")
    files, size = write_ledgers(plan, tmp_path / "two", processes=2)
    expected = dict(ledger_bytes(plan))
    assert files == len(expected) and size == sum(len(data) for data in expected.values())
    for name, data in expected.items():
        for run in ("one", "two"):
            assert (tmp_path / run / name).read_bytes() == data, (run, name)
    packed = tmp_path / "two" / "all.json.gz"
    assert gzip.decompress(packed.read_bytes()) == expected["all.json"]
    assert not (tmp_path / "two" / "all.xlsx.gz").exists(), "XLSX is compressed already; nginx sends it as it is"


def test_write_ledgers__streamed_files_and_gz_as_the_in_memory_writers_give_them(tmp_path: Path) -> None:
    hostile = {**_task(), "row_id": "r2", "task": '=HYPERLINK("http://x")', "detail": "@SUM(A1)", "calendar": True}
    empty = {"row_id": "r3", "task": "", "deadline_text": "", "lead_units": []}
    tasks = [{**_task(), "row_id": f"r{n}-1", "detail": "消防通道畅通" * n} for n in range(40)] + [hostile, empty]
    calendar = {"name": "东石镇任务日历", "domain": "example.org"}
    plan = ledger_plan(
        [("all", tasks, False), ("by-unit", tasks, True), ("unit-a", tasks, False, 1, calendar)], date(2024, 4, 1)
    )
    write_ledgers(plan, tmp_path / "out")
    for name, frame in ledger_frames(plan):
        for fmt, writer in {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}.items():
            writer(frame, tmp_path / f"{name}.{fmt}")
            assert (tmp_path / "out" / f"{name}.{fmt}").read_bytes() == (tmp_path / f"{name}.{fmt}").read_bytes()
    written = {path.name: path.read_bytes() for path in (tmp_path / "out").iterdir()}
    assert written.keys() >= set(file_names(plan)) and "unit-a.ics" in written
    for name in file_names(plan):
        packed = compressed(written[name], DOWNLOAD_COMPRESS_LEVEL) if not name.endswith(".xlsx") else None
        assert written.get(f"{name}.gz") == packed, name
        if packed is not None:
            assert gzip.decompress(packed) == written[name]
    assert "all.json.gz" in written and "all.csv.gz" in written


def test_load_plan__same_plan_with_each_repeated_text_held_once(tmp_path: Path) -> None:
    plan = _many_ledgers()
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    loaded = load_plan(path)
    assert loaded == plan
    deadlines = [task["deadline_text"] for task in loaded["tasks"]]
    assert len(set(deadlines)) == 1 < len(deadlines)  # every task of the fixture: 每季度
    assert len({id(text) for text in deadlines}) == 1
    assert len({id(task["deadline_text"]) for task in json.loads(path.read_bytes())["tasks"]}) > 1


def test_worker_processes__one_writer_beside_mkdocs_on_two_cores_at_most_two() -> None:
    assert [worker_processes(cores) for cores in (1, 2, 3, 4, 16)] == [1, 1, 2, 2, 2]
