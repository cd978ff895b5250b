"""Target groups' stored JSON: what the loader builds is what every reader walks and labels."""

from __future__ import annotations

from cms.core.targets import group_targets, target, target_group, with_indicator


def test_group_targets__walk_ids_texts_and_indicators_in_order():
    group = target_group(
        3, "东石镇", [{"type": "item", "value": target("安全检查。", "≥85%"), "id": "a"}, target("不发生事故。")]
    )
    found = group_targets(group)
    assert [(t.target_id, t.text, t.indicator) for t in found] == [
        ("a", "安全检查。", "≥85%"),
        ("1", "不发生事故。", ""),
    ]
    assert found[0].raw == {"text": "安全检查。", "indicator": "≥85%"}


def test_with_indicator__appends_only_an_indicator_that_is_there():
    assert with_indicator("安全检查。", "≥85%") == "安全检查。（指标：≥85%）"
    assert with_indicator("安全检查。", "") == "安全检查。"
