import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.importer.parsing.units import split_units
from cms.units.naming import is_valid_unit_name


def names(text: str) -> list[tuple[str, str, str]]:
    return [(u["name"], u["role"], u["division"]) for u in split_units(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("乡安办（牵头），乡综治办", [("乡安办", "lead", ""), ("乡综治办", "support", "")]),
        ("区环境与国土资源局（海洋）", [("区环境与国土资源局", "lead", "海洋")]),
        ("市委宣传部（新闻出版广电局）", [("市委宣传部（新闻出版广电局）", "lead", "")]),
        ("乡安委会有关成员单位按职责分工负责", [("乡安委会有关成员单位", "lead", "")]),
        ("党群工作部（宣传）等部门按各自职责", [("党群工作部", "lead", "宣传")]),
    ],
)
def test_split_units__names_roles_divisions(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "以下均需各乡镇党委和政府，不再列出",
        "城管分局和公安分局等按行业主管部门（以下简称“各行业主管部门”）涉及的房屋分工牵头并具体督导指导到位",
    ],
)
def test_split_units__prose_fragments_are_not_proposed_as_units(text):
    assert names(text) == []


def test_split_units__bare_body_joins_the_place_before_it():
    # Two units, none marked: formerly the first was guessed lead; now unstated.
    assert names("各乡镇党委、政府，区安委办") == [("各乡镇党委、政府", "", ""), ("区安委办", "", "")]


# --- naming rules (cms.units.naming) applied to the proposed names ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张坂镇党委、政府", [("张坂镇", "lead", "")]),
        ("洛阳镇政府、党委", [("洛阳镇", "lead", "")]),
        ("东海街道党工委、办事处", [("东海街道", "lead", "")]),
        ("张坂镇党委政府", [("张坂镇", "lead", "")]),
        ("各乡镇党委、政府", [("各乡镇党委、政府", "lead", "")]),
        ("各镇人民政府、街道办事处", [("各镇人民政府、街道办事处", "lead", "")]),
        ("各乡（镇）人民政府、街道办事处", [("各乡（镇）人民政府、街道办事处", "lead", "")]),
    ],
)
def test_split_units__paired_bodies_name_one_place_or_collective(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "区科技经济发展局（发改、安监、环境与国土资源局",
            [("区科技经济发展局", "lead", "发改、安监、环境与国土资源局")],
        ),
        (
            "区科技经济发展局（环境与国土资源局；各乡镇政府",
            [("区科技经济发展局", "", "环境与国土资源局"), ("各乡镇政府", "", "")],
        ),
        (
            "区科技经济发展局（发改、安监、环境与国土资源局（国土、环境），各相关部门",
            [("区科技经济发展局", "", "发改、安监、环境与国土资源局国土、环境"), ("各相关部门", "", "")],
        ),
        ("区应急管理局）、区公安分局", [("区应急管理局", "", ""), ("区公安分局", "", "")]),
        ("）", []),
    ],
)
def test_split_units__unbalanced_brackets_never_reach_a_name(text, expected):
    assert names(text) == expected


def test_split_units__run_on_list_split_at_organ_boundaries():
    assert names("区应急管理局区公安分局区消防救援大队") == [
        ("区应急管理局", "", ""),
        ("区公安分局", "", ""),
        ("区消防救援大队", "", ""),
    ]


def test_split_units__sub_units_are_not_run_ons():
    assert names("晋江市公安局东石派出所") == [("晋江市公安局东石派出所", "lead", "")]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("乡安办", ["lead"]),  # the only unit is the lead
        ("乡安办（配合）", ["support"]),  # ... unless marked otherwise
        ("乡安办、乡综治办", ["", ""]),  # several, none marked: unstated
        ("乡安办、乡综治办牵头，乡财政所", ["lead", "lead", "support"]),
        ("乡安办，乡综治办（配合）", ["", "support"]),  # a support marker does not make the other lead
    ],
)
def test_split_units__roles_never_guessed_from_order(text, roles):
    assert [role for _name, role, _division in names(text)] == roles


@pytest.mark.parametrize("text", ["政府", "党委、政府", "区邮政公司负责与市邮政局对接"])
def test_split_units__invalid_names_are_not_proposed(text):
    assert names(text) == []


_UNIT_ALPHABET = (
    "区市乡镇县局办委部队所站中心公司党政府街道村社区各有关成员单位安应急管理公消防救援大"  # names
    "（）()、，；; 牵头配合负责等"  # separators, brackets, markers, duty words
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_UNIT_ALPHABET, max_size=40))
def test_split_units__every_name_is_a_valid_unit_name(text):
    for unit in split_units(text):
        assert is_valid_unit_name(unit["name"]), unit
        assert unit["role"] in ("lead", "support", "")
        assert "\ue000" not in unit["name"] + unit["division"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # 及 joins two responsible parties; the collective half resolves to a group later.
        ("区渣土办及成员单位", ["区渣土办", "成员单位"]),
        ("环境与国土资源局（环保）及相关部门", ["环境与国土资源局", "相关部门"]),
        # "等有关工程主管部门" names nobody: dropped from the name, kept in the written text.
        ("规划建设与交通运输局（交通、住建）等有关工程主管部门", ["规划建设与交通运输局"]),
    ],
)
def test_split_units__and_and_etc_never_fuse_into_one_name(text: str, names: list[str]) -> None:
    assert [unit["name"] for unit in split_units(text)] == names
