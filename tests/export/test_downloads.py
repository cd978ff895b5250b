"""Public ledger downloads: built from the public snapshot only, Excel-safe, linked from pages."""

from __future__ import annotations

import fnmatch
import gzip
import io
import json
import os
import sys

import openpyxl
import pandas as pd
import pytest

import export.downloads
from cms.documents.models import Disclosure
from cms.ledger.ical import calendar_bytes
from cms.ledger.models import Task, TaskProgress
from cms.ledger.tables import (
    build_ledger,
    build_unit_items_ledger,
    build_unit_ledger,
    write_csv,
    write_json,
    write_xlsx,
)
from export.downloads import (
    LedgerStep,
    LedgerStepError,
    download_links,
    file_size_text,
    fill_download_sizes,
    ledger_files,
    ledgers,
)
from export.ledger_worker import calendar_items, file_names
from export.pages import build_pages
from export.serving import named_download_url
from export.site import Site
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
    # The unit pages themselves: their year pages (units/<slug>/<year>.md) hold no ledger of their own.
    unit_pages = [path for path in pages if path.startswith("units/") and path.count("/") == 1]
    unit_pages.remove("units/index.md")
    assert unit_pages and all("downloads/unit-" in pages[path] for path in unit_pages)
    # Each link goes to the file's Chinese-named path and names what it holds (export/serving.py).
    assert "downloads/tasks/" in pages["downloads.md"] and "全部任务台账（XLSX" in pages["downloads.md"]


def _written_alone(ledger) -> dict[str, bytes]:
    """One ledger's files built from its own tasks, as the exporter did before slicing."""
    if ledger.by_unit:
        frame = build_unit_ledger(ledger.tasks)
    elif ledger.unit is not None:
        frame = build_unit_items_ledger(ledger.tasks, ledger.unit)
    else:
        frame = build_ledger(ledger.tasks)
    out = {}
    for fmt, writer in {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}.items():
        buffer = io.BytesIO()
        writer(frame, buffer)
        out[f"downloads/{ledger.name}.{fmt}"] = buffer.getvalue()
    if ledger.calendar:
        items = calendar_items(ledger.tasks)
        out[f"downloads/{ledger.name}.ics"] = calendar_bytes(ledger.calendar, items, ledger.calendar_domain)
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
    files = {f"downloads/{p.name}": p.read_bytes() for p in (site / "downloads").iterdir()}
    written = {name: data for name, data in files.items() if not name.endswith(".gz")}
    assert written == dict(ledger_files(items))
    # the ledger process also writes each file's .gz (export/compression.py), which must hold the same bytes
    packed = {name.removesuffix(".gz"): data for name, data in files.items() if name.endswith(".gz")}
    assert packed and packed.keys() <= written.keys()
    assert all(gzip.decompress(data) == written[name] for name, data in packed.items())
    calendars = [ledger for ledger in items if ledger.calendar]
    assert calendars, "the fixture's public-progress notice gives its units a calendar"
    assert stats.files == len(written) == 3 * len(items) + len(calendars)
    assert {f"downloads/{ledger.name}.ics" for ledger in calendars} <= written.keys()
    assert stats.bytes == sum(len(data) for data in written.values())
    assert stats.cpu_seconds > 0


def test_ledger_step__says_when_it_has_ended_well_without_waiting(snapshot, tmp_path):
    step = LedgerStep(ledgers(Site.from_snapshot(snapshot)))
    assert not step.ended(), "not started"
    step.start(tmp_path)
    step.wait()
    assert step.ended()
    assert step.finish().files == len(step.files)


def test_ledger_step__missing_file_is_an_error_in_chinese(snapshot, tmp_path, monkeypatch):
    script = "import pathlib, sys; d = pathlib.Path(sys.argv[2]); d.mkdir(); (d / 'tasks.csv').write_text('x')"
    monkeypatch.setattr(export.downloads, "worker_command", lambda: [sys.executable, "-c", script])
    step = LedgerStep(ledgers(Site.from_snapshot(snapshot)))
    step.start(tmp_path)
    with pytest.raises(LedgerStepError, match="台账文件不完整") as failure:
        step.finish()
    missing = [name for name in step.files if name != "tasks.csv"]
    assert f"缺少 {len(missing)} 个：{missing[0]}、" in str(failure.value)


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


# --- units' calendars (.ics): only items of notices that publish their progress (公开任务进展) ----------


def _events(data: bytes) -> list[dict[str, str]]:
    """The VEVENTs of an .ics as {property: value}, lines unfolded and text unescaped."""
    text = data.decode("utf-8").replace("\r\n ", "")
    events = []
    for block in text.split("BEGIN:VEVENT\r\n")[1:]:
        event = {}
        for line in block.split("END:VEVENT", 1)[0].split("\r\n"):
            if ":" in line:
                name, value = line.split(":", 1)
                event[name] = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
        events.append(event)
    return events


@pytest.fixture
def calendar_site(notice_index):
    town, quiet_town = UnitFactory(name="日历测试镇"), UnitFactory(name="不公开进展镇")
    public = make_notice(notice_index, title="公开进展通知", doc_number="测历〔2025〕1号", publish_progress=True)
    rows = [
        {"task": "公开任务截止", "deadline": "2025年6月底前", "units": [(town, "lead")]},
        {"task": "公开任务每季度", "deadline": "每季度", "units": [(town, "lead")]},
    ]
    make_attachment(public, body=[task_list(rows)])
    quiet = make_notice(notice_index, title="不公开进展通知", doc_number="测历〔2025〕2号")
    quiet_rows = [{"task": "不公开任务", "deadline": "2025年9月底前", "units": [(town, "lead"), (quiet_town, "lead")]}]
    make_attachment(quiet, body=[task_list(quiet_rows)])
    # Never published, progress on: a draft reaches no file.
    draft = make_notice(notice_index, title="草稿通知", publish=False, publish_progress=True)
    make_attachment(
        draft,
        publish=False,
        body=[task_list([{"task": "草稿任务", "deadline": "2025年3月底前", "units": [(town, "lead")]}])],
    )
    # Published with progress off; a newer draft turns it on, which the public must not see until approved.
    later = make_notice(notice_index, title="待审进展通知", doc_number="测历〔2025〕3号")
    make_attachment(
        later, body=[task_list([{"task": "待审任务", "deadline": "2025年5月底前", "units": [(town, "lead")]}])]
    )
    later.publish_progress = True
    later.save_revision()
    snapshot = take_snapshot()
    site = Site.from_snapshot(snapshot)
    items = {ledger.unit: ledger for ledger in ledgers(site) if ledger.unit is not None}
    return {"snapshot": snapshot, "ledgers": items, "town": town, "quiet_town": quiet_town}


def test_ledgers__unit_calendar_holds_only_due_dates_and_checkins_of_notices_publishing_progress(calendar_site):
    ledger = calendar_site["ledgers"][calendar_site["town"].pk]
    assert ledger.calendar == "日历测试镇任务日历"
    files = dict(ledger_files(calendar_site["ledgers"].values()))
    events = _events(files[f"downloads/{ledger.name}.ics"])
    summaries = {event["SUMMARY"] for event in events}
    assert "截止：公开任务截止" in summaries and "节点：公开任务每季度" in summaries
    assert not [s for s in summaries if "不公开任务" in s or "草稿任务" in s or "待审任务" in s]
    due = {event["DTSTART;VALUE=DATE"] for event in events if event["SUMMARY"] == "截止：公开任务截止"}
    assert due == {"20250630"}
    assert "20250930" not in {event["DTSTART;VALUE=DATE"] for event in events}
    assert all("文件：测历〔2025〕1号" in event["DESCRIPTION"] for event in events)
    # DTSTAMP is the notice's publication, so the same data gives the same bytes on any day.
    assert (
        dict(ledger_files(calendar_site["ledgers"].values()))[f"downloads/{ledger.name}.ics"]
        == files[f"downloads/{ledger.name}.ics"]
    )
    # The ledger itself still lists every public item.
    assert "不公开任务" in files[f"downloads/{ledger.name}.csv"].decode("utf-8-sig")


def test_ledgers__no_calendar_for_a_unit_whose_notices_all_keep_progress_private(calendar_site):
    ledger = calendar_site["ledgers"][calendar_site["quiet_town"].pk]
    assert ledger.calendar == ""
    plan = export.downloads.plan_of([ledger])
    assert f"{ledger.name}.ics" not in file_names(plan)
    assert f"downloads/{ledger.name}.ics" not in dict(ledger_files([ledger]))


def test_ledger_plan__file_names_list_the_calendar_the_worker_writes(calendar_site):
    items = list(calendar_site["ledgers"].values())
    plan = export.downloads.plan_of(items)
    written = [name.removeprefix("downloads/") for name, _ in ledger_files(items)]
    assert file_names(plan) == written
    assert f"{calendar_site['ledgers'][calendar_site['town'].pk].name}.ics" in written


def test_pages__unit_page_links_its_calendar_only_where_it_has_one(calendar_site):
    pages = {p.path: p.text for p in build_pages(calendar_site["snapshot"])}
    town = calendar_site["ledgers"][calendar_site["town"].pk]
    quiet = calendar_site["ledgers"][calendar_site["quiet_town"].pk]
    town_page = pages[f"units/{town.name.removeprefix('unit-')}.md"]
    assert "订阅任务日历：" in town_page and f"{town.calendar}（ICS" in town_page and "可导入手机日历" in town_page
    assert f'href="../{named_download_url(town.name, town.calendar, "ics")}"' in town_page
    assert "订阅任务日历" not in pages[f"units/{quiet.name.removeprefix('unit-')}.md"]
    assert named_download_url(town.name, town.calendar, "ics") in pages["downloads.md"]


def test_file_size_text__whole_units_rounded_up():
    assert [file_size_text(n) for n in (0, 1023, 1024, 1025, 12 * 1024, 1024 * 1024, 5 * 1024 * 1024 + 1)] == [
        "0 B",
        "1023 B",
        "1 KB",
        "2 KB",
        "12 KB",
        "1.0 MB",
        "5.0 MB",
    ]


def test_fill_download_sizes__each_link_shows_its_file_size_and_a_linked_page_is_never_written_in_place(tmp_path):
    site, live = tmp_path / "site", tmp_path / "live.html"
    (site / "downloads").mkdir(parents=True)
    (site / "downloads" / "unit-a.csv").write_bytes(b"x" * (12 * 1024))
    (site / "downloads" / "unit-a.xlsx").write_bytes(b"x" * 300)
    page = site / "units" / "a.html"
    page.parent.mkdir()
    live.write_text(f"<main>{download_links('units/a.md', 'unit-a', '2022年-甲镇-任务台账')}</main>", encoding="utf-8")
    os.link(live, page)  # as an incremental export links an unchanged page from the live site
    assert fill_download_sizes(site) == ["units/a.html"]
    text = page.read_text(encoding="utf-8")
    assert '2022年甲镇任务台账（CSV<span data-gk-size="unit-a.csv">，12 KB</span>）' in text
    assert '（XLSX<span data-gk-size="unit-a.xlsx">，300 B</span>）' in text
    assert '<span data-gk-size="unit-a.json"></span>' in text  # no such file: no size (the pre-publish check names it)
    assert "data-gk-size" in live.read_text(encoding="utf-8") and "12 KB" not in live.read_text(encoding="utf-8")
    # The next export with the same files changes nothing; a grown file changes the page again.
    assert fill_download_sizes(site) == []
    (site / "downloads" / "unit-a.csv").write_bytes(b"x" * (30 * 1024))
    assert fill_download_sizes(site, ["units/a.html"]) == ["units/a.html"]
    assert "，30 KB</span>" in page.read_text(encoding="utf-8")
    assert fill_download_sizes(site, []) == []  # only the pages named are looked at
