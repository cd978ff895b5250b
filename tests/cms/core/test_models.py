"""DocumentPage.save_revision: a draft save leaves Wagtail's reference index to the saves that change the row."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Comment, ReferenceIndex

from cms.units.models import Unit
from tests.factories import UnitFactory, make_attachment, make_notice, task_list

pytestmark = pytest.mark.django_db


def _indexed_units(page) -> set[int]:
    return {
        int(pk)
        for pk in ReferenceIndex.get_references_for_object(page)
        .filter(to_content_type__model="unit")
        .values_list("to_object_id", flat=True)
    }


def _attachment_citing(notice_index, unit: Unit):
    notice = make_notice(notice_index)
    return make_attachment(notice, body=[task_list([{"task": "任务甲", "units": [(unit, "lead")]}])])


def test_document_page_save_revision__a_draft_save_does_not_rebuild_the_reference_index(notice_index):
    unit = UnitFactory(name="岩前镇人民政府")
    page = _attachment_citing(notice_index, unit)
    assert _indexed_units(page) == {unit.pk}
    ReferenceIndex.get_references_for_object(page).delete()  # a rebuild would bring the rows back

    page.title = "改过的标题"
    page.save_revision()

    assert _indexed_units(page) == set()


def test_document_page_save_revision__publishing_indexes_the_new_content(notice_index):
    old, new = UnitFactory(name="岩前镇人民政府"), UnitFactory(name="区消防救援大队")
    page = _attachment_citing(notice_index, old)
    page.body = [task_list([{"task": "任务甲", "units": [(new, "lead")]}])]

    page.save_revision().publish()

    assert _indexed_units(page) == {new.pk}


def test_document_page_save_revision__a_page_with_comments_keeps_wagtails_index_update(notice_index):
    unit = UnitFactory(name="岩前镇人民政府")
    page = _attachment_citing(notice_index, unit)
    user = get_user_model().objects.create_user("commenter", password="x")
    Comment.objects.create(page=page, user=user, text="请核对", contentpath="title")
    ReferenceIndex.get_references_for_object(page).delete()

    page.save_revision()

    assert _indexed_units(page) == {unit.pk}
