import pytest

from cms.importer.parsing.units import split_units


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
    assert names("各乡镇党委、政府，区安委办") == [("各乡镇党委、政府", "lead", ""), ("区安委办", "support", "")]
