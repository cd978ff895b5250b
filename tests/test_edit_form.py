"""``edit_form_data``: the browser's POST of an untouched edit form, built from the page.

Checked against the real admin edit view with a seed document: posting it
back must save a revision equal to the one it was built from, so a client
that changes one value changes only that value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from cms.documents.models import NoticePage
from tests.edit_form import edit_form_data, opened_form_data

ROOT = Path(__file__).resolve().parents[1]
SEED_003 = next((ROOT / "content" / "seeds").glob("003_*.txt"))
# Draftail gives every paragraph a key and re-serialises entities; the browser does the same.
BLOCK_KEY = re.compile(r' data-block-key="\w+"|&quot;')


def normalised_body(revision: Any) -> Any:
    body = revision.content["body"]
    return json.loads(BLOCK_KEY.sub("", json.dumps(json.loads(body) if isinstance(body, str) else body)))


@pytest.fixture
def seed_notice(notice_index) -> NoticePage:
    call_command("import_document", str(SEED_003), "--publish", "--disclosure", "主动公开", stdout=None)
    return NoticePage.objects.get()


def edit(client: Any, page: Any) -> dict[str, str]:
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return opened_form_data(response.content.decode())


def test_edit_form_data__untouched_large_task_list_saves_unchanged(admin_client, seed_notice):
    data = edit(admin_client, seed_notice)
    # 36 tasks with their units: with the task-list grid they travel as one JSON
    # field (before the grid, far more fields than Django's default limit of 1,000).
    assert len(data) < 100 and json.loads(data["body-0-value"])["rows"][35]["id"]
    before = seed_notice.get_latest_revision()

    response = admin_client.post(f"/admin/pages/{seed_notice.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    seed_notice.refresh_from_db()
    after = seed_notice.get_latest_revision()
    assert after.pk != before.pk
    assert normalised_body(after) == normalised_body(before)


def test_edit_form_data__one_changed_cell_is_the_only_change(admin_client, seed_notice):
    data = edit(admin_client, seed_notice)
    # The task-list grid posts the whole list as one JSON field (cms/core/task_grid).
    grid = json.loads(data["body-0-value"])
    grid["rows"][3]["detail"] = "标记-改动的工作内容"
    data["body-0-value"] = json.dumps(grid, ensure_ascii=False)
    assert admin_client.post(f"/admin/pages/{seed_notice.pk}/edit/", data).status_code == 302

    seed_notice.refresh_from_db()
    rows = seed_notice.get_latest_revision().as_object().body[0].value["rows"]
    assert rows[3]["detail"] == "标记-改动的工作内容"
    original = NoticePage.objects.get(pk=seed_notice.pk).live_revision.as_object().body[0].value["rows"]
    assert [r["task"] for r in rows] == [r["task"] for r in original]
    unchanged = [i for i in range(len(rows)) if i != 3]
    assert [rows[i]["detail"] for i in unchanged] == [original[i]["detail"] for i in unchanged]


def test_edit_form_data__form_fields_and_formsets_are_all_there(notice_index, seed_notice):
    data = edit_form_data(seed_notice)
    for name in ("title", "slug", "issuer", "doc_number", "disclosure", "body-count", "comments-TOTAL_FORMS"):
        assert name in data, name
    assert data["disclosure"] == seed_notice.disclosure
