"""Rules for reading unit names (cms.units.naming); every row can fail on its own."""

from __future__ import annotations

import pytest

from cms.units.naming import (
    GROUP_DEPARTMENTS,
    GROUP_ENTERPRISES,
    GROUP_MEMBERS,
    GROUP_NAMES,
    GROUP_PLACES,
    GROUP_VILLAGES,
    NameProblem,
    collective_kind,
    group_name,
    infer_kind,
    is_valid_unit_name,
    level_prefix,
    match_key,
    name_problem,
    place_chain,
    split_run_on,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("池店镇", "township"),
        ("池店镇人民政府", "township"),
        ("张坂乡党委", "township"),
        ("张坂镇党委、政府", "township"),
        ("百崎回族乡", "township"),
        ("百崎回族乡人民政府", "township"),
        ("集美街道", "street"),
        ("集美街道办事处", "street"),
        ("街道办", "street"),
        ("东星社区", "community"),
        ("前埔村", "community"),
        ("东星社区居委会", "community"),
        ("前埔村民委员会", "community"),
        ("前埔村村委会", "community"),
        ("晋江市水务集团", "enterprise"),
        ("区水务公司", "enterprise"),
        ("某某有限公司", "enterprise"),
        ("某某机械厂", "enterprise"),
        ("区公安分局", "department"),
        ("乡安办", "department"),
        ("乡党政办公室", "department"),
        ("安委会", "department"),
        ("消安委", "department"),
        ("市委宣传部", "department"),
        ("区环境与国土资源局（海洋）", "department"),
        ("乡企业服务中心", "agency"),
        ("百崎派出所", "agency"),
        ("区消防救援大队", "agency"),
        ("镇安监站", "agency"),
        ("区人民医院", "agency"),
        ("泉州台商投资区管委会", "agency"),
        ("某某", "agency"),
    ],
)
def test_infer_kind__from_suffix(name: str, kind: str) -> None:
    assert infer_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("市农业农村局", "department"),  # 村 in the middle
        ("村镇银行", "enterprise"),  # 镇 in the middle, a bank at the end
        ("镇安监站", "agency"),  # a leading 镇 is a level word
        ("乡镇企业局", "department"),
        ("社区服务中心", "agency"),
        ("街道综治办", "department"),
    ],
)
def test_infer_kind__suffix_not_middle(name: str, kind: str) -> None:
    assert infer_kind(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "各乡镇政府",
        "各镇人民政府、街道办事处",
        "各乡镇（街道）",
        "各镇（街道）",
        "各乡（镇）人民政府、街道办事处",
        "各乡镇党委、政府",
        "各镇街",
        "各街道",
        "晋江市各镇人民政府",
    ],
)
def test_collective_kind__places(name: str) -> None:
    assert collective_kind(name) == GROUP_PLACES


@pytest.mark.parametrize(
    "name", ["各村委会", "各行政村", "各村（居）", "各社区居委会", "各村（社区）", "各村党（总）支部"]
)
def test_collective_kind__villages(name: str) -> None:
    assert collective_kind(name) == GROUP_VILLAGES


@pytest.mark.parametrize(
    "name",
    [
        "各有关部门",
        "各相关部门",
        "乡直有关部门",
        "市有关单位",
        "区直各部门",
        "各相关单位",
        "乡各相关行业（领域）主管部门",
        "乡各有关行业（领域）主管部门",
        "乡各相关行业主管（领域）部门",
        "各行业主管部门",
        "有关职能部门",
        "百崎回族乡各有关部门",
        "负有安全生产监管职责的部门",
    ],
)
def test_collective_kind__departments(name: str) -> None:
    assert collective_kind(name) == GROUP_DEPARTMENTS


@pytest.mark.parametrize("name", ["乡安委会各成员单位", "消安委各成员单位", "各成员单位", "市安委会成员单位"])
def test_collective_kind__members(name: str) -> None:
    assert collective_kind(name) == GROUP_MEMBERS


@pytest.mark.parametrize("name", ["各生产经营单位", "各企业", "辖区企业"])
def test_collective_kind__enterprises(name: str) -> None:
    assert collective_kind(name) == GROUP_ENTERPRISES


@pytest.mark.parametrize(
    "name",
    ["池店镇人民政府", "安委会", "消安委", "安委办", "区公安分局", "集美街道", "东星社区居委会", "乡企业服务中心"],
)
def test_collective_kind__single_units_are_not_groups(name: str) -> None:
    assert collective_kind(name) is None


def test_collective_kind__every_group_has_a_chinese_name() -> None:
    groups = {GROUP_PLACES, GROUP_VILLAGES, GROUP_DEPARTMENTS, GROUP_MEMBERS, GROUP_ENTERPRISES}
    assert set(GROUP_NAMES) == groups
    # the canonical names are themselves read as their group
    assert {collective_kind(GROUP_NAMES[g]) for g in groups} == groups


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("市公安局", ("市", "公安局")),
        ("区公安分局", ("区", "公安分局")),
        ("县应急局", ("县", "应急局")),
        ("乡派出所", ("乡", "派出所")),
        ("镇综治办", ("镇", "综治办")),
        ("市政府", ("市", "政府")),
        ("区市场监督管理局", ("区", "市场监督管理局")),
    ],
)
def test_level_prefix__level_word_split(name: str, expected: tuple[str, str]) -> None:
    assert level_prefix(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "市场监督管理局",
        "市政公司",
        "市容办",
        "区域中心",
        "县域办",
        "乡村振兴办",
        "乡镇企业局",
        "镇街办",
        "市委宣传部",
        "镇江市公安局",
        "乡安",
    ],
)
def test_level_prefix__words_and_places_are_not_prefixes(name: str) -> None:
    assert level_prefix(name) == ("", name)


@pytest.mark.parametrize(
    ("text", "chain"),
    [
        ("厦门市集美区人民政府集美街道办事处", [("厦门市", "city"), ("集美区", "county"), ("集美街道", "township")]),
        ("晋江市人民政府", [("晋江市", "city")]),
        ("百崎回族乡人民政府", [("百崎回族乡", "township")]),
        (
            "福建省泉州市丰泽区东海街道",
            [("福建省", "province"), ("泉州市", "city"), ("丰泽区", "county"), ("东海街道", "township")],
        ),
        ("泉州台商投资区管委会", [("泉州台商投资区", "county")]),
        ("中共晋江市委", [("晋江市", "city")]),
        ("晋江市安全生产委员会办公室", [("晋江市", "city")]),
        ("三明市三元区人民政府关于印发目标责任书的通知", [("三明市", "city"), ("三元区", "county")]),
        ("泉州市晋江市人民政府", [("泉州市", "city"), ("晋江市", "county")]),  # a city inside a city
        ("东海街道东星社区居委会", [("东海街道", "township"), ("东星社区", "village")]),
        ("宁夏回族自治区人民政府", [("宁夏回族自治区", "province")]),
        ("沙县区人民政府", [("沙县区", "county")]),
        ("镇江市人民政府", [("镇江市", "city")]),
    ],
)
def test_place_chain__outermost_first(text: str, chain: list[tuple[str, str]]) -> None:
    assert place_chain(text) == chain


@pytest.mark.parametrize(
    "text",
    [
        "2023年各乡（镇）人民政府",
        "各乡镇人民政府",
        "城市管理分局",  # 城市 is a word
        "区城市管理分局",
        "乡村振兴工作方案",  # no village without a township
        "工业园区管委会",  # a 园区 is not a county
        "全市安全生产工作要点",
        "关于印发通知",
    ],
)
def test_place_chain__no_place(text: str) -> None:
    assert place_chain(text) == []


@pytest.mark.parametrize(
    "spellings",
    [
        ["区公安分局", "公安分局"],
        ["消防救援大队", "区消防救援大队", "消防大队"],
        ["城市管理分局", "区城市管理分局", "城管分局"],
        ["市公安局", "公安局", "晋江市公安局"],
        ["区市场监督管理局", "市场监管局", "区市场监管局"],
        ["应急管理局", "区应急局"],
        ["安全生产委员会办公室", "安委办", "晋江市安委办"],
        ["池店镇人民政府", "池店镇", "池店镇政府", "池店镇党委、政府"],
        ["集美街道办事处", "集美街道"],
        ["乡党政办公室", "党政办"],
        ["区住房和城乡建设局", "住建局"],
        ["区公安分局(交警)", "区公安分局（交警）"],
    ],
)
def test_match_key__same_unit_spellings(spellings: list[str]) -> None:
    assert len({match_key(s) for s in spellings}) == 1, [match_key(s) for s in spellings]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("公安局", "公安分局"),
        ("应急管理局", "应急管理办公室"),
        ("池店镇人民政府", "百崎回族乡人民政府"),  # two governments never share a key
        ("区政府", "乡政府"),
        ("市场监督管理局", "监督管理局"),
        ("生态环境局", "环境保护局"),  # 生态环境 is not abbreviated: not one organ
    ],
)
def test_match_key__different_units_differ(one: str, other: str) -> None:
    assert match_key(one) != match_key(other)


@pytest.mark.parametrize(
    "name",
    [
        "区公安分局",
        "各乡镇党委、政府",
        "市委宣传部（新闻出版广电局）",
        "晋江市公安局东石派出所",
        "乡安委会各成员单位",
        "张坂镇党委、政府",
    ],
)
def test_is_valid_unit_name__accepts_names(name: str) -> None:
    assert is_valid_unit_name(name)
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", NameProblem.EMPTY),
        ("区科技经济发展局（发改", NameProblem.UNBALANCED),
        ("安监）", NameProblem.UNBALANCED),
        ("乡安办、乡综治办", NameProblem.SEPARATOR),
        ("乡安办，乡综治办", NameProblem.SEPARATOR),
        ("乡安办；乡综治办", NameProblem.SEPARATOR),
        ("区" + "某" * 29 + "局", NameProblem.TOO_LONG),
        ("区应急管理局区公安分局区消防大队", NameProblem.RUN_ON),
        ("政府", NameProblem.BARE_BODY),
        ("党委", NameProblem.BARE_BODY),
        ("区邮政公司负责与市邮政局对接", NameProblem.PROSE),
        ("以下简称各行业主管部门", NameProblem.PROSE),
    ],
)
def test_is_valid_unit_name__rejects_with_reason(name: str, problem: NameProblem) -> None:
    assert not is_valid_unit_name(name)
    assert name_problem(name) is problem
    assert problem.message  # editors read a Chinese reason


def test_split_run_on__pieces_or_whole() -> None:
    assert split_run_on("区应急管理局区公安分局区消防救援大队") == ["区应急管理局", "区公安分局", "区消防救援大队"]
    assert split_run_on("晋江市应急管理局晋江市公安局") == ["晋江市应急管理局", "晋江市公安局"]
    assert split_run_on("市委宣传部") == ["市委宣传部"]
    assert split_run_on("泉州市公安局丰泽分局") == ["泉州市公安局丰泽分局"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("沿海各乡镇人民政府", GROUP_PLACES),  # a qualifier before 各
        ("区防指各成员单位", GROUP_MEMBERS),
        ("区重点货运源头主管部门", GROUP_DEPARTMENTS),  # a field's departments, no organ named
        ("市场监督管理局", None),
    ],
)
def test_collective_kind__qualified_collectives(name: str, kind: str | None) -> None:
    assert collective_kind(name) == kind


def test_split_run_on__a_collective_is_never_cut() -> None:
    # 乡 + 镇人民政府 looks like a boundary; the 各 makes it one collective.
    assert split_run_on("沿海各乡镇人民政府") == ["沿海各乡镇人民政府"]


# --- 繁体 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [("各鄉鎮人民政府", GROUP_PLACES), ("縣消安委各成員單位", GROUP_MEMBERS), ("各有關部門", GROUP_DEPARTMENTS)],
)
def test_collective_kind__traditional_spellings(name: str, kind: str) -> None:
    assert collective_kind(name) == kind


def test_rules__traditional_name_is_judged_like_its_simplified_spelling() -> None:
    assert infer_kind("縣應急管理局") == infer_kind("县应急管理局") == "department"
    assert match_key("縣應急管理局") == match_key("县应急管理局")
    assert is_valid_unit_name("縣應急管理局") and not is_valid_unit_name("縣應急管理局、縣住建局")


def test_place_chain__traditional_places_are_returned_as_written() -> None:
    assert place_chain("某某縣消防安全委員會辦公室") == [("某某縣", "county")]
    assert level_prefix("縣應急管理局") == ("县", "應急管理局")


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("縣消安委各成員單位", GROUP_MEMBERS, "消安委各成员单位"),
        ("市消防安全委员会成员单位", GROUP_MEMBERS, "消安委各成员单位"),
        ("市安委会各成员单位", GROUP_MEMBERS, "安委会各成员单位"),
        ("各成员单位", GROUP_MEMBERS, "安委会各成员单位"),
        ("各乡镇人民政府", GROUP_PLACES, "各乡镇（街道）"),
    ],
)
def test_group_name__a_fire_committees_members_are_their_own_group(name: str, kind: str, expected: str) -> None:
    assert group_name(name, kind) == expected
