"""Permissions matrix: who may do what to 甲镇's pages and tasks, the export and the API.

The table below *is* the expectation: the tests parse it, so the printed and
the asserted matrix cannot drift apart. Each cell is one test that performs
the action through the real admin or API URL and then looks at the database.

    role        view_draft  edit  submit  approve  publish  progress  review  export  api
    unit_a      yes         yes   yes     no       no       yes       no      no      public
    unit_b      no          no    no      no       no       no        no      no      public
    editor      no          no    no      no       no       yes       yes     no      public
    reviewer    yes         yes   yes     yes      no       no        no      no      public
    signer      yes         yes   yes     yes      yes      no        no      no      public
    superuser   yes         yes   yes     yes      yes      yes       yes     yes     public
    anonymous   no          no    no      no       no       no        no      no      public

Rows: unit_a / unit_b = 编辑-甲镇 / 编辑-乙镇 (``create_unit_section``), editor =
the central 编辑, reviewer = 审核, signer = 签发, superuser = 管理员, anonymous =
not logged in.

Columns, all on a notice in 甲镇公文 (甲镇's section) or a task of 甲镇:

- view_draft: the edit view, 查看草稿, the revision, the history and the live
  preview of a never-published notice, and its title in the page chooser.
- edit: save a draft (a new revision with the change).
- submit: submit the draft to 公文审批 (it waits at 审核).
- approve: approve the workflow task at each step in turn; ``yes`` means the
  row approves exactly its own step (审核 / 签发; 管理员 both) and no other.
- publish: 发布 from the edit view, without the workflow.
- progress: record 任务进展 on 甲镇's task.
- review: 复核 甲镇's task: close it (销号) after 甲镇 asked for it (申请销号).
- export: 立即导出 (an ExportRun is queued).
- api: ``public`` = /api/v2/pages/ and /api/v2/tasks/ answer 200 with the public
  pages and tasks only; a draft and a 依申请公开 notice (with its attachment)
  are absent and 404, and so are their page URLs served by Django, whoever is
  logged in.

Why these values (README 审批与权限, 后台任务, 任务台账): editors only save drafts
and submit, never publish; a unit group sees and edits only its own section
and reports only on its own tasks; the central 编辑 has no page rights in a
unit's section (only the workflow's approvers get them there, to finish
approvals) but reports progress as the central office on any task; 审核 holds
"change" to fix a typo, so it can also save and submit, but approves only its
step and cannot publish; 签发 signs off and may also publish directly (Wagtail
publishes a finished workflow as its last approver, which needs that right);
审核 and 签发 only read the ledger; 复核 (销号 / 退回) is the office's, i.e. the
central 编辑 who records progress, never a unit's own editors (a unit cannot
close its own items); 立即导出 needs 添加网站导出 (no default group has it) or a
superuser; the API is anonymous and read-only, so a session never
widens it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.documents.models import Disclosure, NoticePage
from cms.documents.setup import ensure_site_structure
from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.publishing.models import ExportReason, ExportRun
from cms.workflow.setup import EDITORS, REVIEWERS, SIGNERS
from tests.cms.documents.test_admin_forms import notice_form
from tests.cms.workflow.conftest import build_tasks, build_units
from tests.cms.workflow.test_approval import act, edit_url, latest_state, post_edit
from tests.cms.workflow.test_unit_scopes import PROGRESS_CREATE, progress_form
from tests.factories import make_attachment, make_notice, paragraph, task_list

DRAFT_MARK = "DRAFT_ONLY_JIAZHEN"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _parse(doc: str) -> dict[tuple[str, str], str]:
    lines = [line.split() for line in doc.splitlines() if line.startswith("    ")]
    header, *rows = lines
    assert header[0] == "role"
    return {(row[0], column): value for row in rows for column, value in zip(header[1:], row[1:], strict=True)}


EXPECTED = _parse(__doc__)
ROLES = list(dict.fromkeys(role for role, _ in EXPECTED))
ACTIONS = list(dict.fromkeys(action for _, action in EXPECTED))
# The workflow steps each row may approve.
OWN_STEPS = {"reviewer": {REVIEWERS}, "signer": {SIGNERS}, "superuser": {REVIEWERS, SIGNERS}}


# --- the scene and the actors ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_scene(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """Built once for all cells (per cell it cost ~3 s); each cell runs inside it in
    the ``db`` fixture's savepoint, so its effects are rolled back before the next.

    甲镇's draft, a public notice with tasks (``build_tasks``), and a 依申请公开
    notice in 甲镇's section with a task of its own.
    """
    user_model = get_user_model()
    with django_db_blocker.unblock(), transaction.atomic():
        notice_index = ensure_site_structure()
        units = build_units()
        tasks = build_tasks(units, notice_index)
        draft = make_notice(
            units["section_a"], publish=False, title="甲镇2025年度目标责任（草稿）", body=[paragraph(DRAFT_MARK)]
        )
        on_request = make_notice(units["section_a"], title="甲镇内部通知", disclosure=Disclosure.ON_REQUEST)
        make_attachment(on_request, body=[task_list([{"task": "依申请公开的任务", "units": [(units["a"], "lead")]}])])
        drafter = user_model.objects.create_user("drafter-a", "", "secret-pass-123")
        drafter.groups.add(units["group_a"])
        setup_reviewer = user_model.objects.create_user("setup-reviewer", "", "secret-pass-123")
        setup_reviewer.groups.add(Group.objects.get(name=REVIEWERS))
        # Publishing the scene queued an export; without it 立即导出 creates a run instead of merging.
        ExportRun.objects.all().delete()
        yield {
            **units,
            "draft": draft,
            "on_request": on_request,
            "task_a": tasks["甲镇"],
            "public_notice": tasks["甲镇"].notice,
            "drafter": drafter,
            "setup_reviewer": setup_reviewer,
        }
        transaction.set_rollback(True)


@pytest.fixture
def scene(shared_scene, db) -> dict[str, Any]:
    """The shared scene with fresh instances: a previous cell may have changed them in memory."""
    return {
        key: type(value).objects.get(pk=value.pk) if hasattr(value, "pk") else value
        for key, value in shared_scene.items()
    }


@pytest.fixture
def actor(scene, make_user, login, django_user_model) -> Callable[[str], tuple[Any, Client]]:
    """``actor(role)`` gives (user or None, a client logged in as that user)."""
    groups = {
        "unit_a": scene["group_a"],
        "unit_b": scene["group_b"],
        "editor": EDITORS,
        "reviewer": REVIEWERS,
        "signer": SIGNERS,
    }

    def make(role: str) -> tuple[Any, Client]:
        if role == "anonymous":
            return None, Client()
        if role == "superuser":
            user = django_user_model.objects.create_superuser("root", "", "secret-pass-123")
        else:
            user = make_user(role, groups[role])
        return user, login(user)

    return make


def assert_refused(response: Any) -> None:
    """Refused the Wagtail way: 403, the login page, or the dashboard with a Chinese error message."""
    if response.status_code == 403:
        return
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    if location.startswith(reverse("wagtailadmin_login")):
        return
    assert location == reverse("wagtailadmin_home"), location
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors and all(CJK.search(e) for e in errors), errors


# --- one function per column: do it over HTTP, return what the database says happened ----------


def view_draft(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    """Every admin screen that shows the draft: all open, or all closed.

    The page chooser lists pages rather than refusing, so there the draft's
    title must simply be missing for a row that may not see it.
    """
    page = scene["draft"]
    chooser = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "甲镇2025"})
    revision = page.latest_revision
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    posted = client.post(preview, notice_form(title=page.title, slug=page.slug, recipients="预览用主送"))
    responses = {
        "edit": client.get(edit_url(page.pk)),
        "view_draft": client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,))),
        "revision": client.get(reverse("wagtailadmin_pages:revisions_view", args=(page.pk, revision.pk))),
        "history": client.get(reverse("wagtailadmin_pages:history", args=(page.pk,))),
        "preview_post": posted,
        "preview": client.get(preview),
    }
    shown = {name for name, response in responses.items() if response.status_code == 200}
    if shown:
        assert shown == set(responses), shown
        assert page.title in responses["edit"].content.decode()
        assert posted.json()["is_valid"], posted.content.decode()[:2000]
        for name in ("view_draft", "revision"):
            assert DRAFT_MARK in responses[name].content.decode(), name
        assert "预览用主送" in responses["preview"].content.decode()
        assert page.title in chooser.content.decode()
        return "yes"
    for name, response in responses.items():
        assert_refused(response)
        assert DRAFT_MARK.encode() not in response.content, name
    assert page.title not in chooser.content.decode()
    return "no"


def edit(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    page = scene["draft"]
    before = page.revisions.count()
    response = post_edit(client, page, recipients="甲镇各村（社区）：")
    page.refresh_from_db()
    if page.revisions.count() == before:
        assert_refused(response)
        return "no"
    assert response.status_code == 302 and response["Location"] == edit_url(page.pk)
    latest = page.get_latest_revision_as_object()
    assert latest.recipients == "甲镇各村（社区）：" and not page.live
    return "yes"


def submit(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    page = scene["draft"]
    response = post_edit(client, page, "submit")
    state = latest_state(page)
    if state is None:
        assert_refused(response)
        return "no"
    assert response.status_code == 302
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == REVIEWERS
    assert state.requested_by == user
    return "yes"


def approve(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    """Try the 审核 step, then (moved on by a reviewer if need be) the 签发 step."""
    page = scene["draft"]
    page.get_workflow().start(page, scene["drafter"])
    approved: list[str] = []
    for step in (REVIEWERS, SIGNERS):
        state = latest_state(page)
        assert state.current_task_state.task.name == step
        response = act(client, page, "approve", "同意")
        state = latest_state(page)
        moved = state.status == WorkflowState.STATUS_APPROVED or state.current_task_state.task.name != step
        if moved:
            assert response.status_code == 302
            approved.append(step)
        else:
            assert_refused(response)
            if step == REVIEWERS:
                state.current_task_state.approve(user=scene["setup_reviewer"])
    assert set(approved) <= OWN_STEPS.get(role, set()), approved
    page.refresh_from_db()
    assert page.live == (SIGNERS in approved)
    if not approved:
        return "no"
    assert set(approved) == OWN_STEPS[role]
    return "yes"


def publish(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    page = scene["draft"]
    response = post_edit(client, page, "publish")
    page.refresh_from_db()
    if not page.live:
        assert page.live_revision is None and latest_state(page) is None
        if response.status_code == 302 and response["Location"] == edit_url(page.pk):
            # Wagtail saves the draft of a user who may edit but not publish; it stays unpublished.
            assert role in ("unit_a", "reviewer"), role
        else:
            assert_refused(response)
        return "no"
    assert response.status_code == 302
    assert page.live_revision == page.latest_revision and latest_state(page) is None
    return "yes"


def progress(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    task = scene["task_a"]
    unit = scene["b"] if role == "unit_b" else scene["a"]
    response = client.post(PROGRESS_CREATE, progress_form(task, unit, note="微型消防站已选址"))
    reports = TaskProgress.objects.filter(row_id=task.row_id)
    if not reports.exists():
        if response.status_code == 200:
            errors = response.context["form"].errors
            assert errors and CJK.search(str(errors)), errors
        else:
            assert_refused(response)
        return "no"
    assert response.status_code == 302
    report = reports.get()
    assert report.unit == unit and report.user == user and report.note == "微型消防站已选址"
    return "yes"


def review(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    task = scene["task_a"]
    TaskProgress.objects.create(row_id=task.row_id, unit=scene["a"], status=ProgressStatus.REQUESTED, note="已建成")
    url = reverse("ledger_progress:review", args=[task.pk])
    response = client.post(url, {"decision": "closed", "reason": "", "reviewed_on": "2025-06-02"})
    task.refresh_from_db()
    if task.status != ProgressStatus.CLOSED:
        assert task.status == ProgressStatus.REQUESTED
        if response.status_code == 404:
            assert role == "unit_b"  # another unit's task does not exist for its editors
        else:
            assert_refused(response)
        return "no"
    assert response.status_code == 302
    closing = TaskProgress.objects.get(row_id=task.row_id, status=ProgressStatus.CLOSED)
    assert closing.user == user and closing.unit is None
    return "yes"


def export(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    response = client.post(reverse("publishing:trigger"))
    run = ExportRun.objects.first()
    if run is None:
        assert_refused(response)
        return "no"
    assert response.status_code == 302 and response["Location"] == reverse("publishing:detail", args=[run.pk])
    assert run.reason == ExportReason.MANUAL and run.triggered_by == user
    return "yes"


def api(scene: dict[str, Any], client: Client, user: Any, role: str) -> str:
    """Same answer for everyone: the public view, read-only."""
    hidden = [scene["draft"], scene["on_request"], *scene["on_request"].get_descendants()]
    public = scene["public_notice"]
    pages = client.get("/api/v2/pages/?limit=100")
    assert pages.status_code == 200
    ids = {item["id"] for item in pages.json()["items"]}
    assert public.pk in ids and not ids & {page.pk for page in hidden}
    assert client.get(f"/api/v2/pages/{public.pk}/").status_code == 200
    for page in hidden:
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404, page
        assert client.get("/api/v2/pages/find/", {"id": page.pk}).status_code == 404, page
        assert client.get("/api/v2/pages/find/", {"html_path": page.url_path}).status_code == 404, page

    listed = client.get("/api/v2/tasks/")
    assert listed.status_code == 200
    rows = {item["id"] for item in listed.json()["items"]}
    hidden_rows = set(Task.objects.filter(notice=scene["on_request"]).values_list("row_id", flat=True))
    assert scene["task_a"].row_id in rows and hidden_rows and not rows & hidden_rows
    assert b"DRAFT_ONLY" not in pages.content + listed.content

    # The pages Django itself serves are the same public view.
    assert client.get(public.url).status_code == 200
    for page in hidden:
        assert client.get(page.url).status_code == 404, page
    listing = client.get(scene["section_a"].url)
    assert listing.status_code == 200 and scene["on_request"].title not in listing.content.decode()

    assert client.post("/api/v2/pages/", {}).status_code in (403, 405)
    assert client.post("/api/v2/tasks/", {}).status_code in (403, 405)
    assert NoticePage.objects.filter(pk=scene["draft"].pk, live=False).exists()
    return "public"


PERFORM: dict[str, Callable[[dict[str, Any], Client, Any, str], str]] = {
    "view_draft": view_draft,
    "edit": edit,
    "submit": submit,
    "approve": approve,
    "publish": publish,
    "progress": progress,
    "review": review,
    "export": export,
    "api": api,
}
CELLS = [(role, action) for role in ROLES for action in ACTIONS]


def test_permission_matrix__covers_every_action():
    assert set(PERFORM) == set(ACTIONS) and len(EXPECTED) == len(ROLES) * len(ACTIONS)


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{role}-{action}" for role, action in CELLS])
def test_permission_matrix__cell_is_as_designed(role, action, scene, actor):
    user, client = actor(role)
    assert PERFORM[action](scene, client, user, role) == EXPECTED[role, action]
