"""Resolving written unit names in a document's jurisdiction (issue 13: jurisdiction scoping, groups)."""

from __future__ import annotations

import pytest

from cms.units.choices import GroupKind, JurisdictionLevel, UnitKind
from cms.units.models import Jurisdiction, Unit, UnitGroup
from cms.units.resolve import UnitResolver, jurisdiction_for
from tests.factories import UnitAliasFactory

pytestmark = pytest.mark.django_db


def place(name: str, level: str, parent: Jurisdiction | None = None) -> Jurisdiction:
    return Jurisdiction.objects.create(name=name, level=level, parent=parent)


@pytest.fixture
def township() -> Jurisdiction:
    """晋江市 › 池店镇, and a sibling town that lookups must never reach."""
    city = place("晋江市", JurisdictionLevel.CITY)
    place("安海镇", JurisdictionLevel.TOWNSHIP, city)
    return place("池店镇", JurisdictionLevel.TOWNSHIP, city)


# --- jurisdiction_for -------------------------------------------------------------------


def test_jurisdiction_for__issuer_chain_is_created_with_levels_and_parents():
    street = jurisdiction_for("厦门市集美区人民政府集美街道办事处")
    assert street is not None
    assert [(j.name, j.level) for j in street.chain()] == [
        ("集美街道", JurisdictionLevel.TOWNSHIP),
        ("集美区", JurisdictionLevel.COUNTY),
        ("厦门市", JurisdictionLevel.CITY),
    ]


def test_jurisdiction_for__same_issuer_twice_gives_the_same_row():
    assert jurisdiction_for("晋江市人民政府") == jurisdiction_for("晋江市人民政府")
    assert Jurisdiction.objects.filter(name="晋江市").count() == 1


def test_jurisdiction_for__an_outer_place_already_known_is_reused():
    street = jurisdiction_for("厦门市集美区人民政府集美街道办事处")
    assert street is not None and street.parent is not None
    assert jurisdiction_for("集美区人民政府") == street.parent


def test_jurisdiction_for__falls_back_to_the_title_and_is_none_without_a_place():
    found = jurisdiction_for("", "百崎回族乡消防安全治本攻坚三年行动重点项目清单")
    assert found is not None and found.name == "百崎回族乡"
    assert jurisdiction_for("安全生产委员会办公室", "关于做好安全生产工作的通知") is None


# --- single units --------------------------------------------------------------------------


def test_resolve__exact_name_in_the_documents_jurisdiction(township):
    unit = Unit.objects.create(name="派出所", jurisdiction=township)
    found = UnitResolver(township).resolve("派出所")
    assert found.unit == unit and not found.created


def test_resolve__looks_up_the_chain_to_the_city(township):
    city = township.parent
    unit = Unit.objects.create(name="市公安局", jurisdiction=city)
    assert UnitResolver(township).resolve("市公安局").unit == unit


def test_resolve__never_sideways_into_a_sibling_town(township):
    sibling = Jurisdiction.objects.get(name="安海镇")
    theirs = Unit.objects.create(name="派出所", jurisdiction=sibling)
    found = UnitResolver(township).resolve("派出所")
    assert found.unit is not None and found.unit != theirs
    assert found.created and found.unit.jurisdiction == township and found.unit.needs_review


def test_resolve__alias_and_match_key_find_one_unit(township):
    unit = Unit.objects.create(name="公安分局", jurisdiction=township)
    UnitAliasFactory(unit=unit, name="公安")
    resolver = UnitResolver(township)
    assert resolver.resolve("公安").unit == unit
    assert resolver.resolve("区公安分局").unit == unit
    fire = Unit.objects.create(name="消防救援大队", jurisdiction=township)
    assert UnitResolver(township).resolve("消防大队").unit == fire


def test_resolve__a_trailing_division_falls_back_to_the_unit(township):
    unit = Unit.objects.create(name="区环境与国土资源局", jurisdiction=township)
    found = UnitResolver(township).resolve("区环境与国土资源局（海洋）")
    assert (found.unit, found.division) == (unit, "海洋")


def test_resolve__unknown_name_is_created_where_the_level_prefix_points(township):
    found = UnitResolver(township).resolve("市农业农村局")
    assert found.created and found.unit is not None
    assert found.unit.jurisdiction == township.parent  # 市X → 晋江市, not the town
    assert found.unit.kind == UnitKind.DEPARTMENT
    assert found.unit.needs_review


def test_resolve__unknown_name_without_prefix_is_created_in_the_documents_jurisdiction(township):
    found = UnitResolver(township).resolve("综合执法队")
    assert found.unit is not None and found.unit.jurisdiction == township


def test_resolve__two_cities_get_two_units_of_one_name():
    jinjiang = jurisdiction_for("晋江市人民政府")
    shishi = jurisdiction_for("石狮市人民政府")
    first = UnitResolver(jinjiang).resolve("市公安局").unit
    second = UnitResolver(shishi).resolve("市公安局").unit
    assert first is not None and second is not None
    assert first.pk != second.pk
    assert (first.jurisdiction, second.jurisdiction) == (jinjiang, shishi)


def test_resolve__an_invalid_name_is_never_created(township):
    before = Unit.objects.count()
    found = UnitResolver(township).resolve("区科技经济发展局（发改、安监、环境与国土资源局")
    assert found.unit is None and found.group is None and found.reason
    assert Unit.objects.count() == before


def test_resolve__create_false_only_looks_up(township):
    found = UnitResolver(township, create=False).resolve("新设的局")
    assert found.unit is None and "单位库中没有" in found.reason
    assert not Unit.objects.filter(name="新设的局").exists()


def test_resolve__is_cached_per_resolver(township, django_assert_num_queries):
    resolver = UnitResolver(township)
    first = resolver.resolve("乡安办")
    with django_assert_num_queries(0):
        again = resolver.resolve("乡安办")
    assert again.unit == first.unit and not again.created


# --- groups ------------------------------------------------------------------------------------


def test_resolve__collective_reference_is_a_group_not_a_unit(township):
    found = UnitResolver(township).resolve("各村（居）")
    assert found.unit is None and found.group is not None
    assert found.group.kind == GroupKind.VILLAGES
    assert found.group.name == GroupKind.VILLAGES.label
    assert found.group.jurisdiction == township
    assert "各村（居）" in found.group.spelling_list()
    assert not Unit.objects.filter(name="各村（居）").exists()


def test_resolve__level_prefix_of_a_collective_names_the_groups_jurisdiction(township):
    found = UnitResolver(township).resolve("市有关单位")
    assert found.group is not None and found.group.jurisdiction == township.parent


def test_resolve__spellings_of_one_group_meet_and_are_recorded(township):
    resolver = UnitResolver(township)
    first = resolver.resolve("各乡镇政府").group
    second = UnitResolver(township).resolve("各乡镇（街道）").group
    assert first is not None and first == second
    first.refresh_from_db()
    assert first.spelling_list() == ["各乡镇政府"]  # the canonical name is not repeated as a spelling
    assert UnitGroup.objects.filter(kind=GroupKind.PLACES).count() == 1


def test_resolve__safety_and_fire_committee_members_are_two_groups(township):
    resolver = UnitResolver(township)
    safety = resolver.resolve("镇安委会各成员单位").group
    fire = resolver.resolve("鎮消安委各成員單位").group
    assert safety is not None and fire is not None and safety != fire
    assert (safety.name, fire.name) == ("安委会各成员单位", "消安委各成员单位")
    assert resolver.resolve("镇消防安全委员会成员单位").group == fire
