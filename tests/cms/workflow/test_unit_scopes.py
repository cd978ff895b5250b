"""A town's or department's editors see and change only their own section and tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from wagtail.models import GroupPagePermission, WorkflowState

from cms.documents.models import NoticePage
from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.workflow.models import UnitEditorScope
from cms.workflow.setup import EDITORS, REVIEWERS, SIGNERS, WORKFLOW_NAME, create_unit_section
from tests.cms.workflow.test_approval import act, draft_notice, edit_url, latest_state, post_edit
from tests.factories import UnitFactory

PROGRESS_CREATE = "/admin/ledger/taskprogress/create/"
TASKS = "/admin/ledger/task/"


def progress_form(task: Task, unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "row_id": task.row_id,
        "unit": unit.pk,
        "status": ProgressStatus.IN_PROGRESS,
        "note": "已完成选址",
        "reported_on": "2025-03-01",
        **extra,
    }


def test_create_unit_section__creates_section_group_scope_and_workflow(units):
    section, group = units["section_a"], units["group_a"]
    assert section.title == "甲镇公文" and section.live
    assert section.get_parent().specific_class.__name__ == "HomePage"
    assert section.get_workflow().name == WORKFLOW_NAME
    assert group.name == "编辑-甲镇"
    assert group.permissions.filter(codename="access_admin").exists()
    own = set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename"))
    assert own == {(section.pk, "add_page"), (section.pk, "change_page"), (section.pk, "lock_page")}
    scope = UnitEditorScope.objects.get(group=group)
    assert scope.unit == units["a"] and scope.section_id == section.pk
    # The approvers of the workflow can finish it on this section too.
    signer_perms = GroupPagePermission.objects.filter(group__name=SIGNERS, page=section)
    assert set(signer_perms.values_list("permission__codename", flat=True)) == {
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    }
    # Idempotent.
    assert create_unit_section(units["a"]) == (group, section)


def test_unit_editor__cannot_open_other_units_page(editor_a, units, login):
    client = login(editor_a)
    response = client.get(edit_url(units["notice_b"].pk))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] != edit_url(units["notice_b"].pk)
    assert client.get(edit_url(units["section_a"].pk)).status_code == 200


def test_unit_editor__explorer_lists_only_own_section(editor_a, units, login):
    client = login(editor_a)
    home = units["section_a"].get_parent()
    for page in (home, units["section_b"]):
        html = client.get(reverse("wagtailadmin_explore", args=(page.pk,)), follow=True).content.decode()
        assert "乙镇公文" not in html and "乙镇2024年度消防工作要点" not in html
    html = client.get(reverse("wagtailadmin_explore", args=(units["section_a"].pk,))).content.decode()
    assert "甲镇公文" in html


def test_unit_editor__drafts_in_own_section_and_it_goes_through_workflow(editor_a, units, login, make_user):
    client = login(editor_a)
    page = draft_notice(client, units["section_a"], title="甲镇2025年度目标责任")
    assert post_edit(client, page, "publish").status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert post_edit(client, page, "submit").status_code == 302
    act(login(make_user("reviewer", REVIEWERS)), page, "approve")
    act(login(make_user("signer", SIGNERS)), page, "approve")
    assert latest_state(page).status == WorkflowState.STATUS_APPROVED
    assert NoticePage.objects.get(pk=page.pk).live


def test_unit_editor__cannot_add_to_other_units_section(editor_a, units, login):
    from tests.cms.documents.test_admin_forms import notice_form

    url = reverse("wagtailadmin_pages:add", args=("documents", "noticepage", units["section_b"].pk))
    response = login(editor_a).post(url, notice_form(title="越权起草"))
    assert response.status_code in (302, 403)
    assert not NoticePage.objects.filter(title="越权起草").exists()


def test_unit_editor__task_ledger_lists_only_own_tasks(editor_a, tasks, login):
    client = login(editor_a)
    html = client.get(TASKS).content.decode()
    assert "甲镇建设微型消防站" in html and "两镇联合开展宣传" in html
    assert "乙镇打通消防车通道" not in html
    inspect = f"{TASKS}inspect/{tasks['乙镇'].pk}/"
    assert client.get(inspect).status_code in (302, 403)
    assert client.get(f"{TASKS}inspect/{tasks['甲镇'].pk}/").status_code == 200


def test_unit_editor__records_progress_only_on_own_tasks(editor_a, units, tasks, login):
    client = login(editor_a)
    form_html = client.get(PROGRESS_CREATE).content.decode()
    assert tasks["甲镇"].row_id in form_html and tasks["乙镇"].row_id not in form_html

    response = client.post(PROGRESS_CREATE, progress_form(tasks["乙镇"], units["a"]))
    assert response.status_code == 200
    response = client.post(PROGRESS_CREATE, progress_form(tasks["甲镇"], units["b"]))
    assert response.status_code == 200
    assert not TaskProgress.objects.exists()

    response = client.post(PROGRESS_CREATE, progress_form(tasks["两镇"], units["a"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    progress = TaskProgress.objects.get()
    assert progress.row_id == tasks["两镇"].row_id and progress.unit == units["a"] and progress.user == editor_a


def test_unit_editor__cannot_see_other_units_progress(editor_a, units, tasks, login):
    TaskProgress.objects.create(
        row_id=tasks["乙镇"].row_id, unit=units["b"], status=ProgressStatus.DONE, note="乙镇已完成"
    )
    TaskProgress.objects.create(
        row_id=tasks["甲镇"].row_id, unit=units["a"], status=ProgressStatus.DONE, note="甲镇已完成"
    )
    html = login(editor_a).get("/admin/ledger/taskprogress/").content.decode()
    assert "甲镇已完成" in html and "乙镇已完成" not in html


@pytest.mark.parametrize("group", [EDITORS, REVIEWERS, SIGNERS])
def test_central_office__sees_all_tasks(group, tasks, make_user, login):
    html = login(make_user("central", group)).get(TASKS).content.decode()
    assert "甲镇建设微型消防站" in html and "乙镇打通消防车通道" in html


def test_central_editor__may_record_progress_on_any_task(units, tasks, make_user, login):
    client = login(make_user("central", EDITORS))
    response = client.post(PROGRESS_CREATE, progress_form(tasks["乙镇"], units["b"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TaskProgress.objects.get().unit == units["b"]


def test_create_unit_section_command__sets_up_units_and_rejects_unknown(notice_index):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    UnitFactory(name="丙镇")
    out = StringIO()
    call_command("create_unit_section", "丙镇", stdout=out)
    call_command("create_unit_section", "丙镇", stdout=out)
    assert "编辑-丙镇" in out.getvalue()
    assert UnitEditorScope.objects.filter(unit__name="丙镇").count() == 1
    with pytest.raises(CommandError, match="单位库中没有"):
        call_command("create_unit_section", "子虚乌有镇")
