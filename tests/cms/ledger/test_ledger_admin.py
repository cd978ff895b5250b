from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest

from cms.ledger.models import ProgressStatus, Task, TaskProgress
from tests.factories import UnitFactory, make_attachment, make_notice, task_list


@pytest.fixture
def tasks_corpus(notice_index):
    a, b = UnitFactory(name="乡安办"), UnitFactory(name="乡综治办")
    notice = make_notice(notice_index, year=2024)
    rows = [
        {"task": "打通消防车通道", "deadline": "2020年底前", "units": [(a, "lead"), (b, "support")]},
        {"task": "=1+1 开展宣传", "deadline": "每年", "units": [(b, "lead")]},
        {"task": "建设微型消防站", "deadline": f"{date.today().year + 2}年底前", "units": [(a, "lead")]},
    ]
    attachment = make_attachment(notice, body=[task_list(rows)])
    return {"notice": notice, "attachment": attachment, "units": (a, b)}


def test_sync__publishing_indexes_task_rows_with_units(tasks_corpus):
    tasks = list(Task.objects.order_by("position"))
    assert [t.task for t in tasks] == ["打通消防车通道", "=1+1 开展宣传", "建设微型消防站"]
    assert tasks[0].due_date == date(2020, 12, 31)
    assert tasks[0].lead_units() == ["乡安办"] and tasks[0].support_units() == ["乡综治办"]
    assert tasks[1].deadline_kind == "recurring"
    assert tasks[0].overdue and not tasks[2].overdue


def test_sync__unpublishing_removes_rows(tasks_corpus):
    tasks_corpus["attachment"].unpublish()
    assert not Task.objects.exists()


def test_progress__updates_status_keeps_history_and_needs_no_reapproval(tasks_corpus):
    task = Task.objects.get(task="打通消防车通道")
    revisions = tasks_corpus["attachment"].revisions.count()
    TaskProgress.objects.create(row_id=task.row_id, status=ProgressStatus.IN_PROGRESS, reported_on=date(2024, 3, 1))
    TaskProgress.objects.create(
        row_id=task.row_id, status=ProgressStatus.DONE, note="已划线", reported_on=date(2024, 6, 1)
    )
    task.refresh_from_db()
    assert task.status == ProgressStatus.DONE and task.status_note == "已划线"
    assert not task.overdue
    assert TaskProgress.objects.filter(row_id=task.row_id).count() == 2
    assert tasks_corpus["attachment"].revisions.count() == revisions


def test_progress__survives_republishing_the_page(tasks_corpus):
    task = Task.objects.get(task="打通消防车通道")
    TaskProgress.objects.create(row_id=task.row_id, status=ProgressStatus.CLOSED)
    attachment = tasks_corpus["attachment"]
    attachment.save_revision().publish()
    assert Task.objects.get(row_id=task.row_id).status == ProgressStatus.CLOSED


def test_ledger_admin__filters_by_unit_status_and_overdue(admin_client, tasks_corpus):
    _, b = tasks_corpus["units"]
    url = "/admin/ledger/task/"
    assert admin_client.get(url).status_code == 200
    page = admin_client.get(url, {"unit": b.pk}).content.decode()
    assert "开展宣传" in page and "微型消防站" not in page
    page = admin_client.get(url, {"overdue": "yes"}).content.decode()
    assert "打通消防车通道" in page and "微型消防站" not in page
    page = admin_client.get(url, {"q": "微型"}).content.decode()
    assert "微型消防站" in page and "打通消防车通道" not in page


def test_ledger_admin__csv_export_has_bom_chinese_filename_and_neutralised_cells(admin_client, tasks_corpus):
    a, _ = tasks_corpus["units"]
    response = admin_client.get("/admin/ledger/task/", {"export": "csv", "unit": a.pk})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition and ".csv" in disposition
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert set(frame["工作任务"]) == {"打通消防车通道", "建设微型消防站"}


def test_ledger_admin__xlsx_export_keeps_formula_text_as_text(admin_client, tasks_corpus):
    response = admin_client.get("/admin/ledger/task/", {"export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "1+1" in c.value]
    assert cells and all(c.data_type != "f" and c.value.startswith("'") for c in cells)


def test_progress_admin__create_prefills_row_and_records_user(admin_client, admin_user, tasks_corpus):
    task = Task.objects.get(task="建设微型消防站")
    form = admin_client.get("/admin/ledger/taskprogress/create/", {"row_id": task.row_id}).content.decode()
    assert task.row_id in form
    response = admin_client.post(
        "/admin/ledger/taskprogress/create/",
        {
            "row_id": task.row_id,
            "status": "in_progress",
            "note": "已选址",
            "reported_on": str(date.today() - timedelta(1)),
        },
    )
    assert response.status_code == 302
    progress = TaskProgress.objects.get()
    assert progress.user == admin_user
    assert Task.objects.get(pk=task.pk).status == "in_progress"
