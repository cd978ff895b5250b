"""Two people on the same page: Wagtail's locks, and no save silently replacing another.

Everything goes through the real admin views with the form data a browser
posts after rendering the edit view (``opened_form_data``), including the
hidden ``loaded_revision_id`` Wagtail puts in the form.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse
from wagtail.models import Revision

from cms.workflow.setup import EDITORS
from tests.cms.workflow.test_approval import act, edit_url, latest_state
from tests.edit_form import loaded_revision_inputs, opened_form_data
from tests.factories import make_attachment, make_notice, paragraph, task_list

LOCKED = "页面已锁定，无法保存。"


def attachment(notice_index: Any) -> Any:
    notice = make_notice(notice_index)
    body = [paragraph("第一段。"), task_list([{"task": "落实消防安全责任", "detail": "每季度检查一次。"}])]
    return make_attachment(notice, title="任务清单", kind="tasks", body=body)


def open_edit(client: Client, page: Any) -> dict[str, str]:
    response = client.get(edit_url(page.pk))
    assert response.status_code == 200
    return opened_form_data(response.content.decode())


def with_detail(data: dict[str, str], text: str) -> dict[str, str]:
    """The editor rewrites the first task's 工作内容 (the task-list grid posts the list as one JSON field)."""
    key = next(k for k, v in data.items() if v.startswith('{"title"'))
    grid = json.loads(data[key])
    grid["rows"][0]["detail"] = text
    return {**data, key: json.dumps(grid, ensure_ascii=False)}


def revision_texts(page: Any) -> str:
    """Every revision's body as readable text (the stored JSON escapes Chinese)."""
    bodies = [r.content["body"] for r in Revision.page_revisions.filter(object_id=str(page.pk))]
    return "\n".join(json.dumps(json.loads(b) if isinstance(b, str) else b, ensure_ascii=False) for b in bodies)


def messages_of(response: Any) -> str:
    return response.content.decode()


def test_page_lock__another_editors_save_is_refused(make_user, login, notice_index):
    page = attachment(notice_index)
    owner, other = login(make_user("zhang", EDITORS)), login(make_user("li", EDITORS))

    assert owner.post(reverse("wagtailadmin_pages:lock", args=(page.pk,))).status_code == 302
    page.refresh_from_db()
    assert page.locked and page.locked_by.username == "zhang"

    html = other.get(edit_url(page.pk)).content.decode()
    assert "已由<b>zhang</b>于" in html and "锁定" in html
    data = opened_form_data(html)
    revisions = page.revisions.count()
    response = other.post(edit_url(page.pk), with_detail(data, "李某的修改"))
    assert response.status_code == 200
    assert LOCKED in messages_of(response)
    assert page.revisions.count() == revisions
    assert "李某的修改" not in revision_texts(page)

    # The lock holder still saves.
    response = owner.post(edit_url(page.pk), with_detail(open_edit(owner, page), "张某的修改"))
    assert response.status_code == 302
    assert "张某的修改" in revision_texts(page)


def test_stale_save__second_editor_is_told_who_saved_and_nothing_is_lost(make_user, login, notice_index):
    page = attachment(notice_index)
    first, second = login(make_user("zhang", EDITORS)), login(make_user("li", EDITORS))
    first_form, second_form = open_edit(first, page), open_edit(second, page)
    assert first_form["loaded_revision_id"] == second_form["loaded_revision_id"]

    assert first.post(edit_url(page.pk), with_detail(first_form, "张某改为每月检查。")).status_code == 302
    revisions = page.revisions.count()

    response = second.post(edit_url(page.pk), with_detail(second_form, "李某改为每周检查。"))
    assert response.status_code == 200
    html = messages_of(response)
    assert "保存未完成" in html and "zhang" in html and "已保存了新版本" in html
    assert page.revisions.count() == revisions
    # The refused form still holds the second editor's text (in the StreamField's JSON) ...
    assert json.dumps("李某改为每周检查。")[1:-1] in html
    # ... and now names the latest revision: saving again is a deliberate overwrite.
    again = loaded_revision_inputs(html)
    page.refresh_from_db()
    assert again["loaded_revision_id"] == str(page.get_latest_revision().pk)
    response = second.post(edit_url(page.pk), with_detail({**second_form, **again}, "李某改为每周检查。"))
    assert response.status_code == 302

    texts = revision_texts(page)
    assert "张某改为每月检查。" in texts and "李某改为每周检查。" in texts


def test_stale_autosave__is_refused_by_wagtail_in_chinese(make_user, login, notice_index):
    page = attachment(notice_index)
    first, second = login(make_user("zhang", EDITORS)), login(make_user("li", EDITORS))
    second_form = open_edit(second, page)
    assert first.post(edit_url(page.pk), with_detail(open_edit(first, page), "张某的修改")).status_code == 302

    response = second.post(edit_url(page.pk), with_detail(second_form, "李某的修改"), HTTP_ACCEPT="application/json")
    assert response.json() == {
        "success": False,
        "error_code": "invalid_revision",
        "error_message": "保存会覆盖一个更新的版本。",
    }
    assert "李某的修改" not in revision_texts(page)


def test_same_editor_saving_twice__is_not_a_conflict(make_user, login, notice_index):
    page = attachment(notice_index)
    client = login(make_user("zhang", EDITORS))
    assert client.post(edit_url(page.pk), with_detail(open_edit(client, page), "第一次")).status_code == 302
    assert client.post(edit_url(page.pk), with_detail(open_edit(client, page), "第二次")).status_code == 302
    assert page.revisions.count() == 3


def test_save_after_own_autosave__is_not_a_conflict(make_user, login, notice_index):
    """Autosave wrote a revision the form has not heard of yet: it is the editor's own, so 保存 goes through."""
    page = attachment(notice_index)
    client = login(make_user("zhang", EDITORS))
    form = open_edit(client, page)
    autosave = client.post(edit_url(page.pk), with_detail(form, "自动保存"), HTTP_ACCEPT="application/json")
    assert autosave.json()["success"] is True
    assert client.post(edit_url(page.pk), with_detail(form, "点击保存")).status_code == 302
    assert "点击保存" in revision_texts(page)


def test_page_in_moderation__is_locked_for_editors_not_for_the_reviewer(make_user, login, notice_index):
    page = attachment(notice_index)
    editor, other = login(make_user("zhang", EDITORS)), login(make_user("li", EDITORS))
    reviewer = login(make_user("wang", "审核"))
    data = {**open_edit(editor, page), "action-submit": "action-submit"}
    assert editor.post(edit_url(page.pk), data).status_code == 302
    assert latest_state(page).current_task_state.task.name == "审核"

    html = other.get(edit_url(page.pk)).content.decode()
    assert "只有此步骤的审批人可以编辑该页面。" in html
    revisions = page.revisions.count()
    for client in (editor, other):
        response = client.post(edit_url(page.pk), with_detail(opened_form_data(html), "审批中改动"))
        assert response.status_code == 200
        assert LOCKED in messages_of(response)
    assert page.revisions.count() == revisions

    response = reviewer.post(edit_url(page.pk), with_detail(open_edit(reviewer, page), "审核人订正"))
    assert response.status_code == 302
    assert act(reviewer, page, "approve").status_code == 302
    assert "审核人订正" in revision_texts(page)
