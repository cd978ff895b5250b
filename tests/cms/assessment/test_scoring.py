"""The scoring rule as a pure function: on time = full, late = late_factor, open = 0."""

from __future__ import annotations

from datetime import date

from cms.assessment.scoring import LATE, ON_TIME, OPEN, Item, Thresholds, by_grade, outcome, score_units

DUE = date(2024, 6, 30)


def test_outcome__on_time_late_open_and_undated():
    assert outcome(Item("a", "", DUE, (1,), DUE)) == ON_TIME
    assert outcome(Item("a", "", DUE, (1,), date(2024, 7, 1))) == LATE
    assert outcome(Item("a", "", DUE, (1,))) == OPEN
    assert outcome(Item("a", "", None, (1,), date(2030, 1, 1))) == ON_TIME


def test_score_units__default_equal_weights_half_for_late():
    items = [
        Item("a", "", DUE, (1, 2), DUE),
        Item("b", "", DUE, (1,), date(2024, 8, 1)),
        Item("c", "", DUE, (2,)),
        Item("d", "", DUE, (1,)),
    ]
    sheets = {s.unit_id: s for s in score_units(items)}
    assert sheets[1].score == round(100 * (1 + 0.5 + 0) / 3, 2) == 50.0
    assert sheets[2].score == 50.0
    assert [line.earned for line in sheets[1].lines] == [1.0, 0.5, 0.0]
    assert sheets[1].rank == sheets[2].rank == 1 and sheets[1].grade == "不合格"


def test_score_units__weights_late_factor_and_thresholds_are_configurable():
    items = [Item("a", "", DUE, (1,), DUE), Item("b", "", DUE, (1,), date(2024, 9, 1)), Item("z", "", DUE, (1,))]
    sheets = score_units(items, {"a": 3, "z": 0}, Thresholds(80, 60, 40), late_factor=0.2)
    assert sheets[0].score == round(100 * (3 + 0.2) / 4, 2) == 80.0 and sheets[0].grade == "优秀"
    assert Thresholds(80, 60, 40).grade(59.99) == "合格" and Thresholds(80, 60, 40).grade(39.9) == "不合格"


def test_score_units__ranks_by_score_with_shared_ranks():
    items = [Item(str(u), "", DUE, (u,), DUE if u != 3 else None) for u in (1, 2, 3)]
    sheets = score_units(items)
    assert [(s.unit_id, s.rank) for s in sheets] == [(1, 1), (2, 1), (3, 3)]
    assert [s.unit_id for s in by_grade(sheets)["优秀"]] == [1, 2]
