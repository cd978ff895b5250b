"""登记进展 from the ledger row and the task's page, evidence, 复核 (销号 / 退回) and history."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.ledger.obligations import KIND_INDICATOR
from cms.ledger.progress import EVIDENCE_COLLECTION
from cms.workflow.setup import EDITORS, REVIEWERS
from tests.cms.workflow.conftest import build_tasks, build_units

TASKS = "/admin/ledger/task/"


def report_url(task: Task) -> str:
    return reverse("ledger_progress:report", args=[task.pk])


def review_url(task: Task) -> str:
    return reverse("ledger_progress:review", args=[task.pk])


def png_file(name: str = "现场照片.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def scene(notice_index, django_user_model) -> dict[str, Any]:
    units = build_units()
    tasks = build_tasks(units, notice_index)

    def client_for(name: str, group: Group | str) -> tuple[Any, Client]:
        user = django_user_model.objects.create_user(name, "", "secret-pass-123")
        user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
        client = Client()
        client.force_login(user)
        return user, client

    return {**units, "tasks": tasks, "client_for": client_for}


def test_ledger_list__each_row_offers_report_to_the_units_own_editor(scene):
    _, client = scene["client_for"]("editor-a", scene["group_a"])
    html = client.get(TASKS).content.decode()
    assert report_url(scene["tasks"]["甲镇"]) in html and report_url(scene["tasks"]["两镇"]) in html
    assert report_url(scene["tasks"]["乙镇"]) not in html
    assert "登记进展" in html and "复核" not in html.split("<tbody")[1]


def test_report__unit_editor_records_progress_with_evidence_files(scene):
    user, client = scene["client_for"]("editor-a", scene["group_a"])
    task = scene["tasks"]["甲镇"]
    # An indicator item reports the number achieved (a plain task has no number).
    Task.objects.filter(pk=task.pk).update(kind=KIND_INDICATOR)
    form = client.get(report_url(task))
    assert form.status_code == 200 and task.task in form.content.decode()
    response = client.post(
        report_url(task),
        {
            "unit": scene["a"].pk,
            "status": ProgressStatus.REQUESTED,
            "note": "微型消防站已建成",
            "achieved": "1",
            "reported_on": "2025-06-01",
            "evidence": [png_file(), SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 test", "application/pdf")],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger_task_modeladmin_inspect", args=[task.pk])
    progress = TaskProgress.objects.get()
    assert (progress.unit, progress.user, progress.status, progress.achieved) == (
        scene["a"],
        user,
        ProgressStatus.REQUESTED,
        1.0,
    )
    document = progress.evidence_documents.get()
    image = progress.evidence_images.get()
    assert document.collection.name == EVIDENCE_COLLECTION == image.collection.name
    assert document.file.read() == b"%PDF-1.4 test" and image.width == 4
    task.refresh_from_db()
    assert task.status == ProgressStatus.REQUESTED
    # The task's own page shows the report, its evidence and the actions.
    page = client.get(reverse("ledger_task_modeladmin_inspect", args=[task.pk])).content.decode()
    assert "微型消防站已建成" in page and document.title in page and image.title in page


def test_report__evidence_of_a_refused_type_is_a_chinese_error_and_nothing_is_saved(scene):
    _, client = scene["client_for"]("editor-a", scene["group_a"])
    task = scene["tasks"]["甲镇"]
    data = {"unit": scene["a"].pk, "status": "in_progress", "reported_on": "2025-06-01"}
    response = client.post(report_url(task), {**data, "evidence": [SimpleUploadedFile("病毒.exe", b"MZ")]})
    assert response.status_code == 200 and "病毒.exe" in response.content.decode()
    assert not TaskProgress.objects.exists() and not get_document_model().objects.exists()


def test_report__other_units_task_is_not_found_and_other_unit_is_refused(scene):
    _, client = scene["client_for"]("editor-a", scene["group_a"])
    assert client.get(report_url(scene["tasks"]["乙镇"])).status_code == 404
    data = {"unit": scene["b"].pk, "status": "in_progress", "reported_on": "2025-06-01"}
    response = client.post(report_url(scene["tasks"]["两镇"]), data)
    assert response.status_code == 200 and not TaskProgress.objects.exists()


def test_report__unit_cannot_close_its_own_item(scene):
    _, client = scene["client_for"]("editor-a", scene["group_a"])
    data = {"unit": scene["a"].pk, "status": "closed", "reported_on": "2025-06-01"}
    assert client.post(report_url(scene["tasks"]["甲镇"]), data).status_code == 200
    assert not TaskProgress.objects.exists()
    assert client.get(review_url(scene["tasks"]["甲镇"])).status_code in (302, 403)


def test_review__office_closes_or_returns_with_reason_and_history_is_kept(scene):
    task = scene["tasks"]["甲镇"]
    _, unit_client = scene["client_for"]("editor-a", scene["group_a"])
    office, office_client = scene["client_for"]("office", EDITORS)
    request = {"unit": scene["a"].pk, "status": "requested", "note": "已建成", "reported_on": "2025-06-01"}
    unit_client.post(report_url(task), request)
    assert review_url(task) in office_client.get(TASKS).content.decode()

    response = office_client.post(review_url(task), {"decision": "returned", "reason": "", "reviewed_on": "2025-06-02"})
    assert response.status_code == 200 and "退回时请写明理由" in response.content.decode()
    office_client.post(review_url(task), {"decision": "returned", "reason": "缺验收材料", "reviewed_on": "2025-06-02"})
    task.refresh_from_db()
    assert task.status == ProgressStatus.RETURNED and task.status_note == "缺验收材料"

    unit_client.post(report_url(task), {**request, "reported_on": "2025-06-03", "note": "补交验收单"})
    office_client.post(review_url(task), {"decision": "closed", "reason": "", "reviewed_on": "2025-06-04"})
    task.refresh_from_db()
    assert task.status == ProgressStatus.CLOSED
    statuses = list(TaskProgress.objects.filter(row_id=task.row_id).values_list("status", flat=True))
    assert statuses == ["closed", "requested", "returned", "requested"]
    assert TaskProgress.objects.filter(status="closed").get().user == office
    assert report_url(task) not in office_client.get(TASKS).content.decode()


def test_review__reviewers_group_only_reads(scene):
    _, client = scene["client_for"]("reviewer", REVIEWERS)
    task = scene["tasks"]["甲镇"]
    assert client.get(review_url(task)).status_code in (302, 403)
    assert client.get(report_url(task)).status_code in (302, 403)
    assert report_url(task) not in client.get(TASKS).content.decode()


def test_ledger_admin__rows_cannot_be_added_edited_or_deleted(admin_client, scene):
    task = scene["tasks"]["甲镇"]
    assert admin_client.get(f"{TASKS}create/").status_code in (302, 403)
    assert admin_client.get(f"{TASKS}edit/{task.pk}/").status_code in (302, 403)
    assert admin_client.post(f"{TASKS}delete/{task.pk}/").status_code in (302, 403)
    assert Task.objects.filter(pk=task.pk).exists()
    assert admin_client.get(f"{TASKS}inspect/{task.pk}/").status_code == 200


def test_evidence__needs_a_login_to_open(scene, client):
    _, unit_client = scene["client_for"]("editor-a", scene["group_a"])
    task = scene["tasks"]["甲镇"]
    pdf = SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 test", "application/pdf")
    data = {"unit": scene["a"].pk, "status": "in_progress", "reported_on": "2025-06-01", "evidence": [pdf]}
    unit_client.post(report_url(task), data)
    document = get_document_model().objects.get()
    assert client.get(document.url).status_code in (302, 403)
    assert get_image_model().objects.count() == 0


def test_record_progress__without_a_root_collection_creates_one_and_stores_evidence(scene, django_user_model):
    """A flushed database has no root collection (CI's live-server tests hit a 500 on this)."""
    from wagtail.models import Collection

    from cms.ledger.progress import Report, record_progress

    Collection.objects.all().delete()
    assert Collection.get_first_root_node() is None
    user = django_user_model.objects.create_user("editor-a", "", "secret-pass-123")
    pdf = SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 test", "application/pdf")
    progress = record_progress(
        scene["tasks"]["甲镇"], user, scene["a"], Report(status=ProgressStatus.IN_PROGRESS), [pdf]
    )
    document = progress.evidence_documents.get()
    assert document.file.read() == b"%PDF-1.4 test"
    assert document.collection.name == EVIDENCE_COLLECTION
    assert document.collection.get_parent() == Collection.get_first_root_node()
