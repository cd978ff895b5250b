import pytest

from cms.units.lookup import resolve_unit
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
