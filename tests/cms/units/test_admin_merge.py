"""The 单位库 admin: merge view, bulk actions on the 责任单位 listing, alias clashes, rename, menu group."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from cms.ledger.models import Task
from cms.units.choices import UnitKind
from cms.units.merge import merge_url
from cms.units.models import Jurisdiction, JurisdictionLevel, Unit, UnitAlias, UnitGroup
from tests.factories import UnitFactory, make_attachment, make_notice, paragraph, task_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db) -> Jurisdiction:
    return Jurisdiction.objects.create(name="百崎回族乡", level=JurisdictionLevel.TOWNSHIP)


def _bulk_url(action: str, units: list[Unit]) -> str:
    base = reverse("wagtail_bulk_action", args=("units", "unit", action))
    query = urlencode([("id", unit.pk) for unit in units] + [("next", reverse("wagtailsnippets_units_unit:list"))])
    return f"{base}?{query}"


def test_merge_view__get_shows_what_will_move_and_offers_the_choice(admin_client, notice_index, town):
    keep = UnitFactory(name="区公安分局", jurisdiction=town)
    gone = UnitFactory(name="公安分局", jurisdiction=town)
    notice = make_notice(notice_index, body=[paragraph("正文内容。")])
    make_attachment(
        notice, title="清单", body=[task_list([{"task": f"任务{n}", "units": [(gone, "lead")]} for n in range(3)])]
    )

    response = admin_client.get(merge_url(keep=keep, absorb=[gone]))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'name="keep" value="{keep.pk}" id="keep-{keep.pk}"\n' in html
        or f'value="{keep.pk}" id="keep-{keep.pk}"' in html
    )
    row = response.context["rows"][1]
    assert row["unit"] == gone and row["counts"].tasks == 3
    assert response.context["rows"][0]["counts"].tasks == 0
    assert "确认合并" in html and "百崎回族乡" in html


def test_merge_view__get_with_one_unit_asks_for_two(admin_client):
    unit = UnitFactory(name="乡安办")
    html = admin_client.get(f"{reverse('units_merge')}?keep={unit.pk}").content.decode()
    assert "至少选择两个单位" in html


def test_merge_view__post_merges_into_the_chosen_unit_and_redirects_to_its_edit_page(admin_client, notice_index, town):
    first = UnitFactory(name="公安分局", jurisdiction=town)
    chosen = UnitFactory(name="区公安分局", jurisdiction=town)
    notice = make_notice(notice_index, body=[paragraph("正文内容。")])
    make_attachment(notice, title="清单", body=[task_list([{"task": "巡查", "units": [(first, "lead")]}])])

    response = admin_client.post(
        reverse("units_merge"), {"keep": chosen.pk, "units": [first.pk, chosen.pk]}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("wagtailsnippets_units_unit:edit", args=[chosen.pk])
    assert not Unit.objects.filter(pk=first.pk).exists()
    assert list(Task.objects.get(task="巡查").units.all()) == [chosen]
    assert UnitAlias.objects.filter(unit=chosen, name="公安分局").exists()
    assert "已合并" in response.content.decode()


def test_merge_view__forbidden_without_delete_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", "", "pw-123456789")
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="change_unit")
    )
    client.force_login(editor)
    a, b = UnitFactory(name="甲局"), UnitFactory(name="乙局")
    response = client.post(reverse("units_merge"), {"keep": a.pk, "units": [a.pk, b.pk]})
    assert response.status_code == 403
    assert Unit.objects.filter(pk=b.pk).exists()


def test_bulk_merge__selection_goes_to_the_merge_view(admin_client):
    a, b = UnitFactory(name="消防救援大队"), UnitFactory(name="消防大队")
    response = admin_client.get(_bulk_url("merge", [a, b]))
    assert response.status_code == 302
    assert response["Location"] == merge_url(keep=a, absorb=[b])


def test_bulk_merge__one_unit_is_not_enough(admin_client):
    a = UnitFactory(name="消防救援大队")
    response = admin_client.get(_bulk_url("merge", [a]), follow=True)
    assert "至少选择两个单位" in response.content.decode()
    assert Unit.objects.filter(pk=a.pk).exists()


def test_bulk_confirm__clears_needs_review(admin_client):
    a = UnitFactory(name="甲局", needs_review=True)
    b = UnitFactory(name="乙局", needs_review=True)
    other = UnitFactory(name="丙局", needs_review=True)
    assert "设为已确认" in admin_client.get(_bulk_url("confirm", [a, b])).content.decode()
    response = admin_client.post(_bulk_url("confirm", [a, b]))
    assert response.status_code == 302
    assert list(Unit.objects.filter(needs_review=True)) == [other]


def test_bulk_set_kind__changes_the_kind_of_the_selection(admin_client):
    a, b = UnitFactory(name="池店镇", kind=UnitKind.DEPARTMENT), UnitFactory(name="东石镇", kind=UnitKind.DEPARTMENT)
    response = admin_client.post(_bulk_url("set_kind", [a, b]), {"kind": UnitKind.TOWNSHIP})
    assert response.status_code == 302
    assert set(Unit.objects.values_list("kind", flat=True)) == {UnitKind.TOWNSHIP}


def test_bulk_set_jurisdiction__moves_the_selection(admin_client, town):
    a, b = UnitFactory(name="乡安办"), UnitFactory(name="乡派出所")
    response = admin_client.post(_bulk_url("set_jurisdiction", [a, b]), {"jurisdiction": town.pk})
    assert response.status_code == 302
    assert set(Unit.objects.values_list("jurisdiction", flat=True)) == {town.pk}


def test_bulk_set_jurisdiction__refuses_a_name_already_there(admin_client, town):
    UnitFactory(name="市公安局", jurisdiction=town)
    other_city = Jurisdiction.objects.create(name="石狮市", level=JurisdictionLevel.CITY)
    moving = Unit.objects.create(name="市公安局", jurisdiction=other_city)
    response = admin_client.post(_bulk_url("set_jurisdiction", [moving]), {"jurisdiction": town.pk})
    assert response.status_code == 200
    assert "合并" in response.content.decode()
    moving.refresh_from_db()
    assert moving.jurisdiction == other_city


def _edit_data(unit: Unit, **changes: str) -> dict[str, str]:
    data = {
        "name": unit.name,
        "jurisdiction": str(unit.jurisdiction_id or ""),
        "slug": unit.slug,
        "kind": unit.kind,
        "parent": "",
        "sort_order": "0",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_edit__rename_keeps_the_slug(admin_client, town):
    unit = UnitFactory(name="公安分局", jurisdiction=town)
    slug = unit.slug
    url = reverse("wagtailsnippets_units_unit:edit", args=[unit.pk])
    response = admin_client.post(url, _edit_data(unit, name="区公安分局"))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.slug) == ("区公安分局", slug)


def test_edit__alias_that_is_another_units_name_offers_the_merge(admin_client, town):
    unit = UnitFactory(name="区公安分局", jurisdiction=town)
    other = UnitFactory(name="公安分局", jurisdiction=town)
    data = _edit_data(unit, **{"aliases-TOTAL_FORMS": "1", "aliases-0-name": "公安分局", "aliases-0-id": ""})
    response = admin_client.post(reverse("wagtailsnippets_units_unit:edit", args=[unit.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请使用" in html and "合并" in html
    assert f'href="{merge_url(keep=unit, absorb=[other])}"'.replace("&", "&amp;") in html
    assert not UnitAlias.objects.filter(unit=unit).exists()


def test_listing__filters_and_shows_jurisdiction(admin_client, town):
    UnitFactory(name="乡安办", jurisdiction=town)
    UnitFactory(name="市公安局")
    listing = admin_client.get(reverse("wagtailsnippets_units_unit:list"), {"jurisdiction": town.pk}).content.decode()
    assert "乡安办" in listing and "市公安局" not in listing
    assert "所属区划" in listing
    assert "合并" in listing and "修改类别" in listing and "修改所属区划" in listing and "设为已确认" in listing


def test_registry_menu_group__jurisdictions_and_groups_are_editable(admin_client, town):
    group = UnitGroup.objects.create(name="各有关部门", jurisdiction=town)
    request = admin_client.get(reverse("wagtailadmin_home")).wsgi_request
    registry = next(item for item in admin_menu.menu_items_for_request(request) if item.label == "单位库")
    assert [item.label for item in registry.menu.menu_items_for_request(request)] == ["责任单位", "单位组", "行政区划"]
    assert "百崎回族乡" in admin_client.get(reverse("wagtailsnippets_units_jurisdiction:list")).content.decode()
    edit = admin_client.get(reverse("wagtailsnippets_units_unitgroup:edit", args=[group.pk]))
    assert edit.status_code == 200 and "成员单位" in edit.content.decode()
