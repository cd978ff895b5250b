"""Public ledger downloads: built from the public snapshot only, Excel-safe, linked from pages."""

from __future__ import annotations

import fnmatch
import io
import json
import sys

import openpyxl
import pandas as pd
import pytest

import export.downloads
from cms.documents.models import Disclosure
from cms.ledger.models import Task, TaskProgress
from cms.ledger.tables import build_ledger, build_unit_ledger, write_csv, write_json, write_xlsx
from export.downloads import LedgerStep, LedgerStepError, ledger_files, ledgers
from export.site import Site, build_pages
from export.snapshot import take_snapshot
from tests.factories import UnitFactory, make_attachment, make_notice, task_list
from tests.spreadsheets import FORMULA_PAYLOADS, LOOKALIKES, check_ledger, csv_rows, hostile_corpus, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(notice_index):
    lead, support = UnitFactory(name="乡安办"), UnitFactory(name="乡综治办")
    secret = UnitFactory(name="保密单位")
    public = make_notice(notice_index, title="公开通知", doc_number="测安〔2024〕1号", publish_progress=True)
    make_attachment(
        public,
        body=[
            task_list(
                [
                    {
                        "task": "打通消防车通道",
                        "deadline": "2021年底前",
                        "units": [(lead, "lead"), (support, "support")],
                    },
                    {"task": "=1+1恶意公式", "deadline": "每年", "units": [(support, "lead")]},
                ]
            )
        ],
    )
    quiet = make_notice(notice_index, title="不公开进展的通知", doc_number="测安〔2024〕2号")
    make_attachment(quiet, body=[task_list([{"task": "建设微型消防站", "units": [(lead, "lead")]}])])
    hidden = make_notice(notice_index, title="依申请公开通知", disclosure=Disclosure.ON_REQUEST)
    make_attachment(hidden, body=[task_list([{"task": "不该出现的任务", "units": [(secret, "lead")]}])])
    for task in Task.objects.all():
        TaskProgress.objects.create(row_id=task.row_id, status="done", note=f"进展说明{task.task[:4]}")
    return take_snapshot()


def frames(snapshot) -> dict[str, bytes]:
    return dict(ledger_files(ledgers(Site.from_snapshot(snapshot))))


def test_ledgers__all_tasks_per_notice_and_per_unit(snapshot):
    files = frames(snapshot)
    names = sorted({path.rsplit(".", 1)[0] for path in files})
    assert "downloads/tasks" in names and "downloads/tasks-by-unit" in names
    assert sum(name.startswith("downloads/notice-") for name in names) == 2
    assert sum(name.startswith("downloads/unit-") for name in names) == 2  # the secret unit has none
    assert all(path.isascii() for path in files)
    every = pd.read_csv(io.BytesIO(files["downloads/tasks.csv"]), encoding="utf-8-sig", dtype=str)
    assert sorted(every["工作任务"]) == sorted(["打通消防车通道", "'=1+1恶意公式", "建设微型消防站"])
    by_unit = pd.read_csv(io.BytesIO(files["downloads/tasks-by-unit.csv"]), encoding="utf-8-sig", dtype=str)
    assert len(by_unit) == 4  # 打通 ×2 units, 公式 ×1, 微型 ×1


def test_ledgers__nothing_from_non_public_notices(snapshot):
    for path, data in frames(snapshot).items():
        text = data.decode("utf-8", errors="ignore")
        if path.endswith(".xlsx"):
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as book:
                text = "".join(book.read(n).decode("utf-8") for n in book.namelist())
        assert "不该出现" not in text and "保密单位" not in text, path


def test_ledgers__progress_only_where_the_notice_publishes_it(snapshot):
    files = frames(snapshot)
    rows = {r["工作任务"]: r for r in json.loads(files["downloads/tasks.json"])}
    assert rows["打通消防车通道"]["进展状态"] == "已完成"
    assert rows["打通消防车通道"]["进展说明"] == "进展说明打通消防"
    assert rows["建设微型消防站"]["进展状态"] == ""
    assert rows["建设微型消防站"]["进展说明"] == ""


def test_ledgers__deadline_parsed_and_xlsx_is_excel_safe(snapshot):
    files = frames(snapshot)
    sheet = openpyxl.load_workbook(io.BytesIO(files["downloads/tasks.xlsx"])).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, list(row), strict=False)) for row in sheet.iter_rows(min_row=2)]
    road = next(r for r in rows if r["工作任务"].value == "打通消防车通道")
    assert road["截止日期"].value.date().isoformat() == "2021-12-31"
    formula = next(r for r in rows if "1+1" in r["工作任务"].value)
    assert formula["工作任务"].data_type == "s" and formula["工作任务"].value.startswith("'=")
    assert sheet.freeze_panes == "A2"


def test_pages__notice_attachment_and_unit_pages_link_their_ledgers(snapshot):
    pages = {p.path: p.text for p in build_pages(snapshot)}
    notice_pages = [path for path in pages if path.startswith("notices/")]
    assert notice_pages and all("下载任务台账" in pages[path] for path in notice_pages)
    unit_pages = [path for path in pages if path.startswith("units/") and path != "units/index.md"]
    assert unit_pages and all("downloads/unit-" in pages[path] for path in unit_pages)
    assert "downloads/tasks.xlsx" in pages["downloads.md"]


def _written_alone(ledger) -> dict[str, bytes]:
    """One ledger's files built from its own tasks, as the exporter did before slicing."""
    frame = build_unit_ledger(ledger.tasks) if ledger.by_unit else build_ledger(ledger.tasks)
    out = {}
    for fmt, writer in {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}.items():
        buffer = io.BytesIO()
        writer(frame, buffer)
        out[f"downloads/{ledger.name}.{fmt}"] = buffer.getvalue()
    return out


def test_ledger_files__sliced_from_one_frame_equal_ledgers_built_alone(snapshot):
    items = ledgers(Site.from_snapshot(snapshot))
    expected = {path: data for ledger in items for path, data in _written_alone(ledger).items()}
    files = dict(ledger_files(items))
    assert files.keys() == expected.keys()
    assert [path for path in files if files[path] != expected[path]] == []


def test_ledger_step__child_process_writes_the_same_bytes_as_in_process(snapshot, tmp_path):
    items = ledgers(Site.from_snapshot(snapshot))
    step = LedgerStep(items)
    step.start(tmp_path)
    stats = step.finish()
    site = tmp_path / "site"
    site.mkdir()
    step.install(site)
    written = {f"downloads/{p.name}": p.read_bytes() for p in (site / "downloads").iterdir()}
    assert written == dict(ledger_files(items))
    assert stats.files == len(written) == 3 * len(items)
    assert stats.bytes == sum(len(data) for data in written.values())
    assert stats.cpu_seconds > 0


def test_ledger_step__missing_file_is_an_error_in_chinese(snapshot, tmp_path, monkeypatch):
    script = "import pathlib, sys; d = pathlib.Path(sys.argv[2]); d.mkdir(); (d / 'tasks.csv').write_text('x')"
    monkeypatch.setattr(export.downloads, "worker_command", lambda: [sys.executable, "-c", script])
    step = LedgerStep(ledgers(Site.from_snapshot(snapshot)))
    step.start(tmp_path)
    with pytest.raises(LedgerStepError, match="台账文件不完整") as failure:
        step.finish()
    assert "tasks.xlsx" in str(failure.value)


# --- formula injection: every payload in every text an editor or a unit writes ------------------

HOSTILE = FORMULA_PAYLOADS + LOOKALIKES


@pytest.fixture
def hostile_files(notice_index) -> dict[str, bytes]:
    hostile_corpus(notice_index, HOSTILE)
    return frames(take_snapshot())


@pytest.mark.parametrize(("fmt", "read"), [("csv", csv_rows), ("xlsx", xlsx_rows)])
@pytest.mark.parametrize("ledger", ["tasks", "tasks-by-unit", "notice-*", "unit-*"])
def test_ledgers__no_cell_starts_a_formula_and_text_is_kept(hostile_files, ledger: str, fmt: str, read) -> None:
    """Every ledger file, CSV and XLSX (no formula cell at all), every text column of every payload."""
    paths = sorted(p for p in hostile_files if fnmatch.fnmatch(p, f"downloads/{ledger}.{fmt}"))
    assert paths
    rows = [row for path in paths for row in read(hostile_files[path])]
    check_ledger(rows, HOSTILE)


def test_ledgers__json_keeps_the_payloads_unchanged_for_machines(hostile_files) -> None:
    rows = json.loads(hostile_files["downloads/tasks.json"])
    assert {row["工作任务"] for row in rows} == set(HOSTILE)


def test_downloads_page__titles_are_text_not_markup(notice_index) -> None:
    """The 台账下载 page wrote notice titles and unit names into Markdown raw: a <script> title ran there."""
    unit = UnitFactory(name="<script>alert(1)</script>单位")
    notice = make_notice(notice_index, title="<img src=x onerror=alert(1)>通知")
    make_attachment(notice, body=[task_list([{"task": "任务", "units": [(unit, "lead")]}])])
    page = {p.path: p.text for p in build_pages(take_snapshot())}["downloads.md"]
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img" in page
