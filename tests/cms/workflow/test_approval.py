"""起草 → 审核 → 签发 through the Wagtail admin, as the editors click it."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from cms.documents.models import NoticePage
from cms.documents.setup import ensure_site_structure
from cms.workflow.setup import REVIEWERS, SIGNERS, WORKFLOW_NAME
from tests.cms.documents.test_admin_forms import notice_form

TITLE = "关于下达2025年度安全生产和消防工作目标责任的通知"


def add_url(parent_id: int) -> str:
    return reverse("wagtailadmin_pages:add", args=("documents", "noticepage", parent_id))


def edit_url(page_id: int) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page_id,))


def draft_notice(client: Client, parent: Any, title: str = TITLE, **extra: Any) -> NoticePage:
    """Create a notice through the admin add view, as an editor does."""
    response = client.post(add_url(parent.pk), {**notice_form(title=title), **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return NoticePage.objects.get(title=title)


def post_edit(client: Client, page: NoticePage, action: str | None = None, **overrides: Any) -> Any:
    """POST the edit form; ``action`` is the name of the clicked button without ``action-``."""
    page.refresh_from_db()
    data = notice_form(title=page.title, slug=page.slug, **overrides)
    if action:
        data[f"action-{action}"] = action
    return client.post(edit_url(page.pk), data)


def latest_state(page: NoticePage) -> WorkflowState | None:
    return WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk").first()


def act(client: Client, page: NoticePage, action: str, comment: str = "") -> Any:
    """A reviewer's click in the workflow modal (approve / reject with a comment)."""
    state = latest_state(page)
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))
    return client.post(url, {"comment": comment})


def assert_denied(response: Any) -> None:
    """Wagtail answers PermissionDenied in the admin with a redirect to the dashboard."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")


def submitted(client: Client, page_parent: Any, title: str = TITLE) -> NoticePage:
    page = draft_notice(client, page_parent, title=title)
    response = post_edit(client, page, "submit")
    assert response.status_code == 302, response.content.decode()[:2000]
    return page


def test_notice_index__uses_the_default_workflow(notice_index):
    workflow = notice_index.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    steps = [(wt.task.name, [g.name for g in wt.task.specific.groups.all()]) for wt in workflow.workflow_tasks.all()]
    assert steps == [(REVIEWERS, [REVIEWERS]), (SIGNERS, [SIGNERS])]


def test_editor_publish__without_workflow_is_impossible(editor, login, notice_index):
    client = login(editor)
    page = draft_notice(client, notice_index, **{"action-publish": "action-publish"})
    assert not page.live and page.live_revision is None

    html = client.get(edit_url(page.pk)).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html

    response = post_edit(client, page, "publish")
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live and page.live_revision is None
    assert latest_state(page) is None


def test_editor_submit__starts_workflow_on_review_task(editor, login, notice_index):
    page = submitted(login(editor), notice_index)
    state = latest_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME
    assert state.current_task_state.task.name == REVIEWERS
    page.refresh_from_db()
    assert not page.live


def test_workflow__review_then_sign_off_publishes(editor, reviewer, signer, login, notice_index):
    page = submitted(login(editor), notice_index)

    # A signer cannot skip the review step.
    assert_denied(act(login(signer), page, "approve"))
    assert latest_state(page).current_task_state.task.name == REVIEWERS

    assert act(login(reviewer), page, "approve", "文字已核").status_code == 302
    state = latest_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == SIGNERS
    page.refresh_from_db()
    assert not page.live

    # The reviewer cannot also sign off.
    assert_denied(act(login(reviewer), page, "approve"))
    assert latest_state(page).current_task_state.task.name == SIGNERS

    assert act(login(signer), page, "approve").status_code == 302
    state = latest_state(page)
    assert state.status == WorkflowState.STATUS_APPROVED
    page.refresh_from_db()
    assert page.live and page.live_revision == page.latest_revision


def test_reviewer_reject__returns_to_drafter_with_comment(editor, reviewer, login, notice_index):
    editor_client = login(editor)
    page = submitted(editor_client, notice_index)

    assert act(login(reviewer), page, "reject", "请补充责任单位。").status_code == 302
    state = latest_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_REJECTED)
    assert rejected.comment == "请补充责任单位。"

    history = reverse("wagtailadmin_pages:workflow_history_detail", args=(page.pk, state.pk))
    response = editor_client.get(history)
    assert response.status_code == 200
    assert "请补充责任单位。" in response.content.decode()

    # Re-submitting after the fix resumes the same workflow at the review step.
    assert post_edit(editor_client, page, "submit", recipients="各乡镇、各部门：").status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == REVIEWERS


def test_edit_during_approval__requires_reapproval(editor, reviewer, signer, login, notice_index, settings):
    settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
    page = submitted(login(editor), notice_index)
    act(login(reviewer), page, "approve")
    assert latest_state(page).current_task_state.task.name == SIGNERS

    signer_client = login(signer)
    response = post_edit(signer_client, page, recipients="各乡镇人民政府，区直各部门：")
    assert response.status_code == 302
    assert act(signer_client, page, "approve").status_code == 302

    state = latest_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == REVIEWERS
    page.refresh_from_db()
    assert not page.live


def test_editor_edit__is_locked_while_in_review(editor, login, notice_index):
    client = login(editor)
    page = submitted(client, notice_index)
    revisions = page.revisions.count()
    response = post_edit(client, page, recipients="改动")
    assert response.status_code == 200
    assert page.revisions.count() == revisions


def test_anonymous__is_redirected_to_login(notice_index):
    client = Client()
    for url in [edit_url(notice_index.pk), add_url(notice_index.pk), "/admin/ledger/task/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_ensure_site_structure__is_idempotent_and_keeps_admin_choices(notice_index):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

    other = Workflow.objects.create(name="简易审批", active=True)
    WorkflowPage.objects.filter(page=notice_index).update(workflow=other)
    GroupPagePermission.objects.filter(group__name=REVIEWERS).delete()
    GroupPagePermission.objects.create(
        group=Group.objects.get(name=REVIEWERS), page=notice_index, permission_type="add"
    )

    assert ensure_site_structure().pk == notice_index.pk
    index = ensure_site_structure()
    assert index.pk == notice_index.pk
    assert index.get_workflow() == other
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    codenames = set(
        GroupPagePermission.objects.filter(group__name=REVIEWERS).values_list("permission__codename", flat=True)
    )
    assert codenames == {"add_page"}
