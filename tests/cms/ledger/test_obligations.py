"""Tracked items of a page body: tasks, common and specific targets, indicator cells, with stable ids."""

from __future__ import annotations

from cms.ledger.obligations import (
    KIND_COMMON,
    KIND_INDICATOR,
    KIND_SPECIFIC,
    KIND_TASK,
    expand_units,
    indicator_item_id,
    is_target_document,
    iter_obligations,
)


def _item(kind: str, value: dict, block_id: str) -> dict:
    return {"type": kind, "value": value, "id": block_id}


def _list(values: list, prefix: str) -> list[dict]:
    return [{"type": "item", "value": v, "id": f"{prefix}{n}"} for n, v in enumerate(values)]


BODY = [
    _item("heading", {"level": 1, "text": "共性工作目标"}, "h1"),
    _item("paragraph", {"level": 0, "text": "<p>引言不是目标。</p>"}, "p0"),
    _item("paragraph", {"level": 2, "text": "<p>火灾防控目标。不发生较大火灾。</p>"}, "p1"),
    _item("target", {"text": "每季度召开1次消安委会议。", "indicator": ""}, "t1"),
    _item(
        "target_group",
        {"unit": 7, "unit_name": "市民政局", "targets": _list([{"text": "安装报警器。", "indicator": "60%"}], "g")},
        "tg",
    ),
    _item(
        "indicator_table",
        {
            "title": "市政消火栓建设任务",
            "row_header": "单位",
            "columns": _list(
                [{"group": "市政消火栓", "name": "新建数"}, {"group": "市政消火栓", "name": "补建数"}], "c"
            ),
            "rows": _list([{"unit": 9, "unit_name": "东石镇", "values": [5, 0]}], "r"),
        },
        "it",
    ),
    _item(
        "task_list",
        {
            "title": "",
            "rows": _list([{"task": "打通通道", "deadline": "2024年底前", "units": [], "units_text": ""}], "row"),
        },
        "tl",
    ),
]


def test_iter_obligations__every_kind_with_its_stable_id() -> None:
    items = list(iter_obligations(BODY, title="2024年度安全生产目标责任"))
    assert [(item_id, row["kind"]) for item_id, row in items] == [
        ("p1", KIND_COMMON),
        ("t1", KIND_COMMON),
        ("g0", KIND_SPECIFIC),
        (indicator_item_id("r0", "c0"), KIND_INDICATOR),
        ("row0", KIND_TASK),
    ]
    common = dict(items)["p1"]
    assert (common["topic"], common["task"], common["detail"], common["units"]) == (
        "共性工作目标",
        "火灾防控目标",
        "不发生较大火灾。",
        [],
    )
    specific = dict(items)["g0"]
    assert specific["units"][0]["unit"] == 7 and "（指标：60%）" in specific["detail"]
    cell = dict(items)[indicator_item_id("r0", "c0")]
    assert (cell["task"], cell["detail"], cell["target_value"], cell["units"][0]["unit"]) == (
        "市政消火栓：新建数",
        "新建数 5",
        5.0,
        9,
    )


def test_iter_obligations__ids_do_not_depend_on_order() -> None:
    first = {item_id for item_id, _ in iter_obligations(BODY, title="目标责任")}
    again = {item_id for item_id, _ in iter_obligations(list(reversed(BODY)), title="目标责任")}
    assert first == again
    assert len(indicator_item_id("r0", "c0")) <= 64 and indicator_item_id("r0", "c0") != indicator_item_id("r0", "c1")


def test_iter_obligations__paragraphs_are_targets_only_on_target_documents() -> None:
    kinds = [row["kind"] for _, row in iter_obligations(BODY, title="实施方案")]
    assert KIND_COMMON in kinds  # the target block still counts
    assert "p1" not in {item_id for item_id, _ in iter_obligations(BODY, title="实施方案")}
    cover = {item_id for item_id, _ in iter_obligations(BODY, title="目标责任的通知", paragraph_targets=False)}
    assert "p1" not in cover


def test_iter_obligations__letter_paragraphs_are_the_units_specific_targets() -> None:
    items = dict(
        iter_obligations(BODY[:3], title="2023年岩前镇消防工作目标责任", letter_unit=3, letter_unit_name="岩前镇")
    )
    assert items["p1"]["kind"] == KIND_SPECIFIC
    assert items["p1"]["units"] == [{"unit": 3, "group": None, "name": "岩前镇", "role": "lead", "division": ""}]


def test_is_target_document__simplified_and_traditional_titles() -> None:
    assert is_target_document("2024年度安全生产和消防工作目标责任")
    assert is_target_document("2024年度安全生產和消防工作目標責任書")
    assert not is_target_document("消防安全专项整治三年行动实施方案")


def test_expand_units__a_unit_named_twice_keeps_the_stronger_role() -> None:
    # After a merge, one row can name the kept unit twice (once per old name).
    refs = [
        {"unit": 7, "group": None, "name": "城管分局", "role": "support", "division": ""},
        {"unit": 7, "group": None, "name": "城市管理分局", "role": "lead", "division": ""},
    ]
    links = expand_units(refs, {})
    assert [(link.unit, link.role) for link in links] == [(7, "lead")]
