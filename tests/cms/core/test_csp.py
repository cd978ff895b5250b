from __future__ import annotations

import json
import re

from wagtail.admin.widgets import AdminDateInput, AdminPageChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser
from wagtail.snippets.widgets import AdminSnippetChooser

from cms.units.models import Unit


def marker(html: str) -> dict[str, str]:
    found = re.search(r'<template data-cms-init="([^"]+)" data-field="([^"]+)" data-config="([^"]*)"></template>', html)
    assert found, html
    return {"init": found[1], "field": found[2], "config": found[3].replace("&quot;", '"')}


def test_render_chooser__snippet_chooser_has_a_marker_not_an_inline_script(db):
    html = AdminSnippetChooser(Unit).render("parent", None, {"id": "id_parent"})
    assert "<script" not in html
    found = marker(html)
    assert found["init"] == "SnippetChooser" and found["field"] == "id_parent"
    assert json.loads(found["config"])["modalUrl"] == "/admin/snippets/choose/units/unit/"


def test_render_chooser__page_and_task_choosers(db):
    page = marker(AdminPageChooser().render("page", None, {"id": "id_page"}))
    assert page["init"] == "PageChooser" and "modalUrl" in json.loads(page["config"])
    task = AdminTaskChooser().render("task", None, {"id": "id_task"})
    assert "<script" not in task
    assert marker(task)["init"] == "createTaskChooser"


def test_date_widget_template__marker_instead_of_inline_script():
    html = AdminDateInput().render("written_date", None, {"id": "id_written_date"})
    assert "<script" not in html
    found = marker(html)
    assert found["init"] == "initDateChooser" and found["field"] == "id_written_date"
    assert json.loads(found["config"])["format"] == "Y-m-d"
