"""Indicator tables' stored JSON: what the loader builds is what every reader walks and labels."""

from __future__ import annotations

from cms.core.indicators import (
    format_number,
    indicator_column,
    indicator_columns,
    indicator_row,
    indicator_rows,
    indicator_table,
)


def _list(values: list, prefix: str) -> list[dict]:
    return [{"type": "item", "value": v, "id": f"{prefix}{n}"} for n, v in enumerate(values)]


TABLE = indicator_table(
    title="消火栓建设任务",
    row_header="单位",
    columns=_list([indicator_column("市政消火栓", "新建数"), indicator_column("", "维修数")], "c"),
    rows=_list([indicator_row(7, "东石镇", _list([5, 0.5], "v")), indicator_row(None, "未对应单位", [2])], "r"),
)


def test_indicator_columns__walk_ids_groups_and_names_in_order():
    columns = indicator_columns(TABLE)
    assert [(c.column_id, c.group, c.name) for c in columns] == [("c0", "市政消火栓", "新建数"), ("c1", "", "维修数")]


def test_indicator_columns__label_with_and_without_a_group():
    grouped, plain = indicator_columns(TABLE)
    assert (grouped.heading, grouped.item_label) == ("市政消火栓·新建数", "市政消火栓：新建数")
    assert (plain.heading, plain.item_label) == ("维修数", "维修数")


def test_indicator_rows__cells_pair_values_with_columns_as_far_as_both_go():
    columns = indicator_columns(TABLE)
    first, second = indicator_rows(TABLE)
    assert (first.row_id, first.unit, first.unit_name) == ("r0", 7, "东石镇")
    assert [(c.name, v) for c, v in first.cells(columns)] == [("新建数", 5), ("维修数", 0.5)]
    assert second.unit is None and [(c.name, v) for c, v in second.cells(columns)] == [("新建数", 2)]


def test_format_number__whole_numbers_lose_the_point_and_empty_cells_print_nothing():
    assert (format_number(5.0), format_number(0.5), format_number(None)) == ("5", "0.5", "")
