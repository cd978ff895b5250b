"""Year-end 考核 scoring: a pure function of the items, their closing dates and the scheme.

No database here, so a test (or an auditor) can recompute every score from
the same plain data. The rule (issue 14, defaults configurable per notice):
each item a unit is responsible for earns its weight when it was closed
(销号) on or before its due date, ``late_factor`` × weight when closed late,
and nothing while open; a unit's score is its earned share of its total
weight, on a 100-point scale, rounded to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

GRADES = ("优秀", "良好", "合格", "不合格")

ON_TIME = "on_time"
LATE = "late"
OPEN = "open"
OUTCOME_LABELS = {ON_TIME: "按期销号", LATE: "逾期销号", OPEN: "未销号"}


@dataclass(frozen=True)
class Thresholds:
    """Lowest score of each grade; below ``passing`` is 不合格."""

    excellent: float = 90.0
    good: float = 75.0
    passing: float = 60.0

    def grade(self, score: float) -> str:
        if score >= self.excellent:
            return GRADES[0]
        if score >= self.good:
            return GRADES[1]
        if score >= self.passing:
            return GRADES[2]
        return GRADES[3]


@dataclass(frozen=True)
class Item:
    row_id: str
    title: str
    due_date: date | None
    unit_ids: tuple[int, ...]
    closed_on: date | None = None


@dataclass(frozen=True)
class ItemLine:
    item: Item
    weight: float
    outcome: str
    earned: float

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class UnitScore:
    unit_id: int
    score: float
    grade: str
    lines: list[ItemLine] = field(default_factory=list)
    rank: int = 0


def outcome(item: Item) -> str:
    if item.closed_on is None:
        return OPEN
    if item.due_date is None or item.closed_on <= item.due_date:
        return ON_TIME
    return LATE


def score_units(
    items: Iterable[Item],
    weights: Mapping[str, float] | None = None,
    thresholds: Thresholds = Thresholds(),
    late_factor: float = 0.5,
) -> list[UnitScore]:
    """Every unit's score sheet, ranked (highest first; ties share a rank, then by unit id).

    ``weights`` maps row ids to weights; items not in it weigh 1, weight 0
    leaves an item out of the score.
    """
    weights = weights or {}
    lines: dict[int, list[ItemLine]] = {}
    for item in items:
        weight = float(weights.get(item.row_id, 1.0))
        result = outcome(item)
        credit = {ON_TIME: 1.0, LATE: late_factor, OPEN: 0.0}[result]
        for unit_id in dict.fromkeys(item.unit_ids):
            lines.setdefault(unit_id, []).append(ItemLine(item, weight, result, weight * credit))
    sheets = []
    for unit_id, unit_lines in lines.items():
        total = sum(line.weight for line in unit_lines)
        score = round(100 * sum(line.earned for line in unit_lines) / total, 2) if total else 0.0
        sheets.append(UnitScore(unit_id, score, thresholds.grade(score), unit_lines))
    sheets.sort(key=lambda sheet: (-sheet.score, sheet.unit_id))
    for position, sheet in enumerate(sheets):
        previous = sheets[position - 1] if position else None
        sheet.rank = previous.rank if previous and previous.score == sheet.score else position + 1
    return sheets


def by_grade(sheets: Iterable[UnitScore]) -> dict[str, list[UnitScore]]:
    grouped: dict[str, list[UnitScore]] = {grade: [] for grade in GRADES}
    for sheet in sheets:
        grouped[sheet.grade].append(sheet)
    return grouped
