"""Per-unit letters from a template, and the clause-by-clause comparison.

The template letters are the 12 town/street letters of seed 002 (附件1).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cms.core.blocks import plain_to_richtext
from cms.documents.models import AttachmentPage, ResponsibilityLetterPage
from cms.importer.service import import_documents
from cms.letters.clauses import Clause
from cms.letters.compare import compare_clauses, inline_diff
from cms.letters.models import LetterOrigin
from cms.units.models import Unit, UnitKind

SEEDS = Path(__file__).resolve().parents[3] / "content" / "seeds"
GENERATE_URL = "/admin/letters/generate/"
NEW_UNITS = ["测试一镇人民政府", "测试二乡人民政府", "测试三街道办事处"]


@pytest.fixture
def letters(db, notice_index) -> list[ResponsibilityLetterPage]:
    path = next(SEEDS.glob("002_*.txt"))
    (outcome,) = import_documents([(path.name, path.read_bytes())], publish=True, disclosure="主动公开")
    attachment = AttachmentPage.objects.child_of(outcome.stats.notice).get(number=1)
    found = list(ResponsibilityLetterPage.objects.child_of(attachment).order_by("path"))
    assert len(found) == 12
    return found


@pytest.fixture
def new_units(db) -> list[Unit]:
    return [
        Unit.objects.create(name=name, kind=UnitKind.STREET if "街道" in name else UnitKind.TOWNSHIP)
        for name in NEW_UNITS
    ]


def generate(client, template: ResponsibilityLetterPage, units: list[Unit]):
    return client.post(GENERATE_URL, {"template": template.pk, "units": [u.pk for u in units]})


def full_text(page: ResponsibilityLetterPage) -> str:
    latest = page.get_latest_revision_as_object()
    return f"{latest.title}\n{latest.body_text()}"


def test_generate_three_drafts_with_names_substituted(admin_client, letters, new_units):
    template = letters[0]
    old_name = template.unit.name
    assert old_name == "岩前镇人民政府"
    existing = letters[1].unit  # 莘口镇人民政府 already has a letter there
    response = generate(admin_client, template, [*new_units, existing])
    assert response.status_code == 200
    content = response.content.decode()

    attachment = template.get_parent()
    created = {
        letter.unit.name: letter
        for letter in ResponsibilityLetterPage.objects.child_of(attachment).filter(unit__in=new_units)
    }
    assert set(created) == set(NEW_UNITS)
    assert ResponsibilityLetterPage.objects.child_of(attachment).count() == 13 + 2  # 12 + 3 new
    for name, letter in created.items():
        assert not letter.live  # a draft, to be reviewed and submitted
        text = full_text(letter)
        assert name in letter.title
        assert old_name not in text and "岩前镇" not in text
        assert letter.body_text() == template.body_text()  # the body is a copy (no name in 002's bodies)
        assert LetterOrigin.objects.get(letter=letter).template == template
        assert reverse("wagtailadmin_pages:edit", args=[letter.pk]) in content
        assert reverse("letters:compare", args=[letter.pk]) in content
    assert "已跳过" in content and existing.name in content
    assert ResponsibilityLetterPage.objects.child_of(attachment).filter(unit=existing).count() == 1
    # Per-unit numbers are kept and listed for checking.
    assert "需逐一核对的数值" in content
    for value in ["12次", "1次", "70%", "1台"]:
        assert value in content


def test_generate_a_second_time_skips_units_that_now_have_letters(admin_client, letters, new_units):
    generate(admin_client, letters[0], new_units[:1])
    response = generate(admin_client, letters[2], new_units)
    assert response.status_code == 200
    attachment = letters[0].get_parent()
    assert ResponsibilityLetterPage.objects.child_of(attachment).filter(unit=new_units[0]).count() == 1
    assert ResponsibilityLetterPage.objects.child_of(attachment).filter(unit__in=new_units).count() == 3


def test_names_are_replaced_in_body_and_target_groups(admin_client, letters, new_units):
    template = letters[0]
    body = copy.deepcopy(list(template.body.raw_data))
    body[0]["value"]["text"] = plain_to_richtext("岩前镇人民政府要做好岩前镇的火灾防控。")
    body.append(
        {
            "type": "target_group",
            "value": {
                "unit": template.unit_id,
                "unit_name": "岩前镇人民政府",
                "targets": [{"type": "item", "value": {"text": "岩前镇完成1支队伍建设", "indicator": "1支"}}],
            },
        }
    )
    template.body = body
    template.save_revision()
    generate(admin_client, template, new_units[:1])
    letter = ResponsibilityLetterPage.objects.get(unit=new_units[0])
    text = full_text(letter)
    assert "测试一镇人民政府要做好测试一镇的火灾防控。" in text
    assert "岩前镇" not in text
    group = next(b for b in letter.get_latest_revision_as_object().body.raw_data if b["type"] == "target_group")
    assert group["value"]["unit"] == new_units[0].pk and group["value"]["unit_name"] == "测试一镇人民政府"


def test_compare_shows_only_the_edited_clause(admin_client, letters, new_units):
    template = letters[0]
    generate(admin_client, template, new_units[:1])
    letter = ResponsibilityLetterPage.objects.get(unit=new_units[0])
    body = copy.deepcopy(list(letter.get_latest_revision_as_object().body.raw_data))
    old_text = body[7]["value"]["text"]  # （八）落实消防业务经费保障 … 执行100%。
    assert "执行100%" in old_text
    body[7]["value"]["text"] = (
        old_text.replace("执行100%", "执行95%，另加<script>alert(1)</script>")
        .replace("<script>", "&lt;script&gt;")
        .replace("</script>", "&lt;/script&gt;")
    )
    letter.body = body
    letter.save_revision()

    response = admin_client.get(reverse("letters:compare", args=[letter.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "落实消防业务经费保障" in content  # the changed clause
    assert "<del>" in content and "<ins>95%，另加" in content
    assert "&lt;script&gt;alert(" in content and "<script>alert" not in content
    assert "落实消防档案建设" not in content  # an identical clause is hidden
    assert "<strong>1</strong> 条不同" in content
    assert '<strong class="letter-diff__identical">9</strong> 条相同' in content  # title + 8 paragraphs


def test_compare_an_imported_letter_with_a_sibling(admin_client, letters):
    # 莘口镇's letter differs from 岩前镇's in clause （四） (it adds the 消火栓 sentence).
    response = admin_client.get(reverse("letters:compare", args=[letters[1].pk]) + f"?template={letters[0].pk}")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<ins>" in content and "消火栓" in content
    assert "条相同（已隐藏）" in content


def test_letter_edit_page_links_to_compare_and_attachment_to_generate(admin_client, letters):
    letter = letters[0]
    content = admin_client.get(reverse("wagtailadmin_pages:edit", args=[letter.pk])).content.decode()
    assert reverse("letters:compare", args=[letter.pk]) in content
    attachment = letter.get_parent()
    content = admin_client.get(reverse("wagtailadmin_pages:edit", args=[attachment.pk])).content.decode()
    assert f"{GENERATE_URL}?attachment={attachment.pk}" in content


def test_generate_form_is_shown_with_template_preselected(admin_client, letters):
    response = admin_client.get(f"{GENERATE_URL}?template={letters[0].pk}")
    assert response.status_code == 200
    content = response.content.decode()
    assert "模板责任书" in content and "责任单位" in content and letters[0].title in content


def test_anonymous_and_unpermitted_users_are_refused(client, django_user_model, letters, new_units):
    assert client.get(GENERATE_URL).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("reader", password="secret-pass-123")
    group = Group.objects.create(name="只读")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    assert client.get(GENERATE_URL).status_code == 403
    assert generate(client, letters[0], new_units).status_code == 403
    assert client.get(reverse("letters:compare", args=[letters[0].pk])).status_code == 403
    assert not ResponsibilityLetterPage.objects.filter(unit__in=new_units).exists()


def test_inline_diff_escapes_and_marks_changes():
    html = inline_diff("配备1支队伍<b>", "配备3支队伍<b>")
    assert html == "配备<del>1</del><ins>3</ins>支队伍&lt;b&gt;"


def test_compare_clauses_aligns_an_inserted_clause():
    template = [Clause(label, text, "paragraph") for label, text in [("（一）", "甲"), ("（二）", "乙")]]
    pairs = [("（一）", "甲"), ("（二）", "新"), ("（三）", "乙")]
    letter = [Clause(label, text, "paragraph") for label, text in pairs]
    result = compare_clauses(template, letter)
    assert result.identical == 2
    assert [(d.status, d.label) for d in result.diffs] == [("added", "（二）")]


def test_compare_and_generate__reveal_nothing_of_another_units_section(client, notice_index, django_user_model):
    """乙镇's editors may compare and generate only from letters they may edit, never from 甲镇's drafts."""
    from tests.cms.workflow.conftest import build_units
    from tests.factories import make_attachment, make_letter, make_notice, paragraph

    units = build_units()
    secret = make_letter(
        make_attachment(make_notice(units["section_a"], publish=False), publish=False),
        units["a"],
        publish=False,
        title="甲镇草稿责任书",
        body=[paragraph("（一）甲镇未公开条款SECRET_A")],
    )
    attachment_b = make_attachment(make_notice(units["section_b"], publish=False), publish=False)
    own = make_letter(attachment_b, units["b"], publish=False, body=[paragraph("（一）乙镇条款")])
    sibling = make_letter(
        attachment_b, units["a"], publish=False, title="乙镇附件下的模板", body=[paragraph("（一）模板条款")]
    )
    editor_b = django_user_model.objects.create_user("editor-b", "", "secret-pass-123")
    editor_b.groups.add(units["group_b"])
    client.force_login(editor_b)

    compare = reverse("letters:compare", args=[own.pk])
    response = client.get(f"{compare}?template={secret.pk}")
    assert response.status_code == 404 and b"SECRET_A" not in response.content
    assert client.get(f"{compare}?template={sibling.pk}").status_code == 200

    response = client.get(f"{GENERATE_URL}?template={secret.pk}")
    assert response.status_code == 200 and "甲镇草稿责任书" not in response.content.decode()
    assert "乙镇附件下的模板" in client.get(f"{GENERATE_URL}?template={sibling.pk}").content.decode()
