import pytest
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.models import get_snippet_models

from cms.core.blocks import UnitRefBlock
from cms.units.choices import GroupKind, JurisdictionLevel
from cms.units.lookup import find_group, resolve_unit
from cms.units.models import Jurisdiction, UnitGroup
from tests.factories import UnitAliasFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_resolve_unit__exact_name():
    unit = UnitFactory(name="乡安办")
    match = resolve_unit(" 乡安办 ")
    assert match.unit == unit and match.via == "name"


def test_resolve_unit__alias():
    unit = UnitFactory(name="百崎回族乡安全生产委员会办公室")
    UnitAliasFactory(unit=unit, name="乡安监办")
    match = resolve_unit("乡安监办")
    assert match.unit == unit and match.via == "alias"


def test_resolve_unit__half_width_brackets_are_normalised():
    unit = UnitFactory(name="市委宣传部（新闻出版广电局）")
    assert resolve_unit("市委宣传部(新闻出版广电局)").unit == unit


def test_resolve_unit__trailing_division_falls_back_to_the_unit():
    unit = UnitFactory(name="区环境与国土资源局")
    match = resolve_unit("区环境与国土资源局（海洋）")
    assert match.unit == unit
    assert match.division == "海洋"


def test_resolve_unit__unknown_name_says_why():
    match = resolve_unit("不存在的局")
    assert not match.found
    assert "不存在的局" in match.reason


def test_unit__slug_is_ascii_and_stable():
    unit = UnitFactory(name="晋江市应急管理局")
    assert unit.slug == "jin-jiang-shi-ying-ji-guan-li-ju"  # pinyin, readable
    unit.name = "晋江市应急管理局（改名）"
    unit.save()
    unit.refresh_from_db()
    assert unit.slug == "jin-jiang-shi-ying-ji-guan-li-ju"  # pinyin, readable
    first = unit.slug
    unit.save()
    assert unit.slug == first


def test_find_group__by_name_or_recorded_spelling():
    group = UnitGroup.objects.create(name="各乡镇（街道）", kind=GroupKind.PLACES, spellings="各镇人民政府\n各乡镇政府")
    assert find_group("各乡镇（街道）") == group
    assert find_group(" 各乡镇政府 ") == group
    assert find_group("各乡镇") is None  # a substring of a spelling is not a spelling


def test_find_group__ambiguous_across_jurisdictions_finds_nothing():
    for name in ("晋江市", "石狮市"):
        where = Jurisdiction.objects.create(name=name, level=JurisdictionLevel.CITY)
        UnitGroup.objects.create(name="各乡镇（街道）", kind=GroupKind.PLACES, jurisdiction=where, spellings="各镇")
    assert find_group("各镇") is None


def needs_group_snippet() -> None:
    """The block's group chooser needs UnitGroup registered as a snippet (the units admin does that)."""
    if UnitGroup not in get_snippet_models():
        pytest.skip("UnitGroup is not registered as a snippet in this build")


def test_unit_ref_block__a_typed_group_name_links_the_group_not_a_unit():
    needs_group_snippet()
    group = UnitGroup.objects.create(name="各乡镇（街道）", kind=GroupKind.PLACES, spellings="各乡镇政府")
    block = UnitRefBlock()
    value = block.clean(block.to_python({"unit": None, "group": None, "name": "各乡镇政府", "role": "unstated"}))
    assert value["group"] == group and value["unit"] is None


def test_unit_ref_block__an_unknown_name_is_refused():
    needs_group_snippet()
    block = UnitRefBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"unit": None, "group": None, "name": "不存在的局", "role": "lead"}))
