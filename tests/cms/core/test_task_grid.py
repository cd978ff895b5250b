"""The grid's form state round-trips the stored task list exactly (cms/core/task_grid/state.py)."""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict

from cms.core.blocks import DocumentBodyBlock
from cms.core.task_grid.state import grid_to_stored, stored_to_grid
from tests.factories import UnitFactory, task_list

pytestmark = pytest.mark.django_db


def test_grid_state__round_trip_keeps_ids_fields_and_unit_refs():
    unit = UnitFactory(name="岩前镇人民政府")
    stored = task_list(
        [
            {
                "topic": "专题",
                "task": "任务甲",
                "deadline": "2024年底前",
                "units": [(unit, "support")],
                "units_text": "原文",
            }
        ],
        title="清单",
    )["value"]
    grid = stored_to_grid(stored)
    row = grid["rows"][0]
    assert row["id"] == stored["rows"][0]["id"] and row["units"][0]["label"] == "岩前镇人民政府"
    back = grid_to_stored(json.loads(json.dumps(grid)))
    assert back["rows"][0]["id"] == stored["rows"][0]["id"]
    assert back["rows"][0]["value"]["units"][0]["value"] == stored["rows"][0]["value"]["units"][0]["value"]
    assert {k: v for k, v in back["rows"][0]["value"].items() if k != "units"} == {
        k: v for k, v in stored["rows"][0]["value"].items() if k != "units"
    }


def test_task_list_block__posted_grid_json_becomes_the_stored_value_with_new_ids_for_new_rows():
    unit = UnitFactory(name="区消防救援大队")
    block = DocumentBodyBlock().child_blocks["task_list"]
    stored = task_list([{"task": "任务甲", "units": [(unit, "lead")]}, {"task": "任务乙"}])["value"]
    grid = stored_to_grid(stored)
    grid["rows"].reverse()
    grid["rows"].append({"id": None, "task": "粘贴的任务", "deadline": "每年", "units": [], "units_text": "各乡镇"})
    data = QueryDict(mutable=True)
    data["body-0-value"] = json.dumps(grid, ensure_ascii=False)

    value = block.clean(block.value_from_datadict(data, {}, "body-0-value"))
    saved = block.get_prep_value(value)
    old_ids = [row["id"] for row in stored["rows"]]
    new_ids = [row["id"] for row in saved["rows"]]
    assert new_ids[:2] == old_ids[::-1] and new_ids[2] and new_ids[2] not in old_ids
    assert saved["rows"][1]["value"]["units"][0]["value"]["unit"] == unit.pk
    assert saved["rows"][2]["value"]["units_text"] == "各乡镇"
    assert not block.value_omitted_from_data(data, {}, "body-0-value")
    assert block.value_omitted_from_data(QueryDict(), {}, "body-0-value")


def test_grid_to_stored__drops_entirely_blank_rows_only():
    grid = {
        "title": "",
        "rows": [
            {"id": None, "task": "", "deadline": "", "units": [], "units_text": "  "},
            {"id": "keep", "task": "", "deadline": "每年", "units": []},
        ],
    }
    assert [row["id"] for row in grid_to_stored(grid)["rows"]] == ["keep"]
