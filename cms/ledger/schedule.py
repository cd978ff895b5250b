"""When an obligation is due and when it is checked on (节点), from its document's context.

:mod:`cms.ledger.deadlines` reads one 完成时限 on its own.  Most obligations
say less than that: the targets of an annual 目标责任 notice carry no date
at all (they are due by the end of the notice's year), tasks of a three-year
plan often leave 完成时限 empty (due at the end of the plan), a 工作内容 may
stage itself year by year (``2024年……；2025年……``), and ``每季度``, ``每年``
or ``长期坚持`` are not a date but a rhythm.  This module turns the text of
one obligation plus its document's period into a final due date and the
dated check-ins (节点) within the period, so every row of a ledger can be
sorted, warned about and assessed.

Pure Python, no Django: the admin index (:mod:`cms.ledger.sync`) and the
public export's ledger process compute the same dates from the same text.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .deadlines import COMPATIBILITY_FORMS, Deadline, parse_deadline

__all__ = [
    "CADENCES",
    "DEFAULT_ONGOING_CADENCE",
    "Period",
    "Schedule",
    "checkpoints_between",
    "document_period",
    "document_year",
    "next_checkpoint",
    "page_period",
    "schedule_obligation",
]

# Check-in rhythms a ledger understands, finest last; ``每周``/``每日`` are
# checked on monthly (a ledger row per week would drown the real dates).
CADENCES: tuple[str, ...] = ("每年", "每半年", "每季度", "每月")
DEFAULT_ONGOING_CADENCE = "每季度"
_CADENCE_OF_RECURRING = {
    "每年": "每年",
    "每半年": "每半年",
    "每季度": "每季度",
    "每月": "每月",
    "每旬": "每月",
    "每周": "每月",
    "每日": "每月",
}
_CADENCE_MONTHS = {
    "每年": (12,),
    "每半年": (6, 12),
    "每季度": (3, 6, 9, 12),
    "每月": tuple(range(1, 13)),
}
_MIN_YEAR = 1990
_MAX_YEAR = 2199
_MAX_PLAN_YEARS = 10

# Citations name other documents and their dates, never this obligation's:
# 《……（2018-2020年）》 and 〔2022〕 must not set a period or a step.
_CITATION = re.compile(r"《[^《》]*》|〈[^〈〉]*〉|<[^<>]*>|[〔\[［][^〔〕\]］]*[〕\]］]")
_YEAR = re.compile(r"(?<!\d)(\d{4})年")
# Any spelling of a year before normalising (ASCII, full-width or Chinese digits): no year, no steps.
_ANY_YEAR = re.compile(r"[0-9０-９〇零一二三四五六七八九]年")
_RANGE = re.compile(r"(?<!\d)(\d{4})年?(?:\d{1,2}月)?(?:份)?(?:-|至|到)(\d{4})年")
_N_YEAR_ACTION = re.compile(r"([两二三四五六七八九十]|\d)年(?:行动|攻坚|计划|规划|专项)")
_CN_SMALL = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u301c\u30fc\uff5e~]+|-{2,}")
# Clauses end at 。；, and at a comma that opens the next year's step (``……30%，2025年底达到……``).
_CLAUSE_SPLIT = re.compile(r"[；;。\n]|[，,](?=\d{4}年)")
_RECURRING_IN_TEXT = (
    (re.compile(r"每月"), "每月"),
    (re.compile(r"每季度?|逐季"), "每季度"),
    (re.compile(r"每半年"), "每半年"),
    (re.compile(r"每年|年内|全年"), "每年"),
)
_DAY_IN_RECURRING = re.compile(r"(?<!\d)(\d{1,2})[日号]")
_MONTH_IN_RECURRING = re.compile(r"(?<!\d)(?<!\d年)(\d{1,2})月")


@dataclass(frozen=True)
class Period:
    """The time an obligation's document covers: one year, or a plan's years."""

    start: date
    end: date
    annual: bool

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), annual=True)


@dataclass(frozen=True)
class Schedule:
    """An obligation's final due date, its check-ins and where the date came from."""

    due: date | None
    checkpoints: tuple[date, ...]
    basis: str  # 完成时限 / 工作内容 / 年度 / 方案期限, or "" when nothing gives a date
    kind: str  # the 完成时限's kind (see DEADLINE_KIND_LABELS)

    def next_checkpoint(self, today: date) -> date | None:
        return next_checkpoint(self.checkpoints, today)


def next_checkpoint(checkpoints: Iterable[date], today: date) -> date | None:
    """The first check-in on or after ``today``; None once all have passed."""
    upcoming = [day for day in checkpoints if day >= today]
    return min(upcoming) if upcoming else None


def _normalise(text: str) -> str:
    text = text or ""
    # NFKC is most of the cost of scheduling a row; only full-width and other
    # compatibility characters need it, and most 工作内容 have none.
    if COMPATIBILITY_FORMS.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return _DASHES.sub("-", text)


def _own_text(text: str) -> str:
    """The text with citations removed and spelling normalised."""
    return _CITATION.sub("", _normalise(text))


def _plausible(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


def _range_in(text: str) -> tuple[int, int] | None:
    """The multi-year span a text states most often (``2020年4月至2022年12月``, ``2020-2022年``)."""
    spans = Counter(
        (int(a), int(b))
        for a, b in _RANGE.findall(text)
        if _plausible(int(a)) and 0 < int(b) - int(a) <= _MAX_PLAN_YEARS
    )
    if not spans:
        return None
    # Most frequent, then the earliest: deterministic for equal counts.
    return min(spans, key=lambda span: (-spans[span], span))


def _plan_years(title: str) -> int | None:
    match = _N_YEAR_ACTION.search(title)
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _CN_SMALL.get(token)


@lru_cache(maxsize=1024)
def document_period(title: str, text: str = "", year: int | None = None) -> Period | None:
    """The period of a document, from its title first, then its text.

    Cached: every page of a notice asks for the notice's period with the same text.

    * a span in the title, ``（2020—2022年）`` → that plan period;
    * ``三年行动`` (any N年行动/攻坚/计划) → the span the text states most
      often, else N years from the year in the title, else from the first
      year the text names among the last N;
    * a year in the title (``2022年度……目标责任``) → that year;
    * a span stated in the text → that plan period;
    * ``year`` (the notice's 年度) → that year.
    """
    own_title = _own_text(title)
    span = _range_in(own_title)
    if span:
        return _plan(*span)
    title_years = [int(y) for y in _YEAR.findall(own_title) if _plausible(int(y))]
    own = _own_text(text)
    text_span = _range_in(own)
    length = _plan_years(own_title)
    if length:
        if text_span:
            return _plan(*text_span)
        if title_years:  # 2024年……三年行动方案: three years from 2024
            return _plan(title_years[0], title_years[0] + length - 1)
        years = sorted({int(y) for y in _YEAR.findall(own) if _plausible(int(y))})
        if years:
            start = min(y for y in years if y > years[-1] - length)
            return _plan(start, start + length - 1)
    if title_years:
        return Period.year(title_years[0])
    if text_span:
        return _plan(*text_span)
    if year:
        return Period.year(year)
    return None


def _plan(first: int, last: int) -> Period:
    return Period(date(first, 1, 1), date(last, 12, 31), annual=False)


def document_year(year: int | None, title: str = "", text: str = "") -> int | None:
    """The 年度 of a document: the one set on it, else its period's first year."""
    if year:
        return year
    period = document_period(title, text)
    return period.start.year if period else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def checkpoints_between(
    start: date, end: date, cadence: str, *, month: int | None = None, day: int | None = None
) -> tuple[date, ...]:
    """Check-in dates of a rhythm within [start, end]: period ends, or ``day`` of those months.

    ``每年`` with ``month`` checks in that month each year (``每年6月底前``);
    ``day`` moves each check-in to that day of its month (``每季度末24日前``).
    """
    months = (month,) if cadence == "每年" and month and 1 <= month <= 12 else _CADENCE_MONTHS.get(cadence, ())
    days: list[date] = []
    for year in range(start.year, end.year + 1):
        for m in months:
            last = _month_end(year, m)
            point = date(year, m, day) if day and 1 <= day <= last.day else last
            if start <= point <= end:
                days.append(point)
    return tuple(days)


def _recurring_detail(text: str) -> tuple[int | None, int | None]:
    """The month and day a recurring 完成时限 names (``每年6月``, ``每季度末24日前``)."""
    norm = _normalise(text)
    day = _DAY_IN_RECURRING.search(norm)
    month = _MONTH_IN_RECURRING.search(norm)
    return (int(month.group(1)) if month else None, int(day.group(1)) if day else None)


def _steps(detail: str, period: Period | None) -> list[date]:
    """Dated steps a 工作内容 sets itself (``2023年……；2024年6月底前……``), within the period."""
    steps: set[date] = set()
    if not _ANY_YEAR.search(detail or ""):
        return []
    for clause in _CLAUSE_SPLIT.split(_own_text(detail)):
        if not _YEAR.search(clause):
            continue
        parsed = parse_deadline(clause)
        if parsed.due is None or parsed.kind not in {"date", "date_ongoing", "range"}:
            continue
        if period is not None and not period.start <= parsed.due <= period.end:
            continue
        steps.add(parsed.due)
    return sorted(steps)


def _rhythm_in(detail: str) -> str:
    """The finest rhythm a 工作内容 asks for (``每季度召开……`` → 每季度), or ""."""
    own = _own_text(detail)
    for pattern, cadence in _RECURRING_IN_TEXT:
        if pattern.search(own):
            return cadence
    return ""


def _period_basis(period: Period) -> str:
    return "年度" if period.annual else "方案期限"


def schedule_obligation(
    deadline_text: str,
    detail: str = "",
    period: Period | None = None,
    ongoing_cadence: str = DEFAULT_ONGOING_CADENCE,
) -> Schedule:
    """The due date and check-ins of one obligation.

    The 完成时限 wins where it names a date.  Recurring (``每季度``) and
    ongoing (``长期坚持``) wording gives check-ins within the period and is
    due at its end; ongoing items are checked on every ``ongoing_cadence``.
    Without a usable 完成时限, dated steps in the 工作内容 give check-ins and
    the last step is the due date; failing that, the period's end is.
    """
    deadline: Deadline = parse_deadline(deadline_text or "")
    steps = _steps(detail, period)
    if deadline.due is not None:
        checkpoints: tuple[date, ...] = tuple(step for step in steps if step < deadline.due)
        if deadline.recurring in _CADENCE_OF_RECURRING:
            start = deadline.start or (period.start if period else date(deadline.due.year, 1, 1))
            month, day = _recurring_detail(deadline_text)
            rhythm = checkpoints_between(
                start, deadline.due, _CADENCE_OF_RECURRING[deadline.recurring], month=month, day=day
            )
            checkpoints = tuple(sorted(set(checkpoints) | set(rhythm)))
        return Schedule(deadline.due, checkpoints, "完成时限", deadline.kind)
    if period is None:
        return Schedule(steps[-1] if steps else None, tuple(steps[:-1]), "工作内容" if steps else "", deadline.kind)
    start = max(deadline.start, period.start) if deadline.start else period.start
    if deadline.kind == "recurring":
        cadence = _CADENCE_OF_RECURRING.get(deadline.recurring, ongoing_cadence)
        month, day = _recurring_detail(deadline_text)
        rhythm = checkpoints_between(start, period.end, cadence, month=month, day=day)
        return Schedule(period.end, tuple(sorted(set(rhythm) | set(steps))), _period_basis(period), deadline.kind)
    if deadline.kind == "ongoing":
        rhythm = checkpoints_between(start, period.end, ongoing_cadence)
        return Schedule(period.end, tuple(sorted(set(rhythm) | set(steps))), _period_basis(period), deadline.kind)
    if steps:
        return Schedule(steps[-1], tuple(steps[:-1]), "工作内容", deadline.kind)
    rhythm_word = _rhythm_in(detail)
    # 每年 in one year's notice is its year end, already the due date.
    wanted = rhythm_word and not (rhythm_word == "每年" and period.annual)
    rhythm = checkpoints_between(start, period.end, rhythm_word) if wanted else ()
    return Schedule(period.end, rhythm, _period_basis(period), deadline.kind)


def _title_dates_itself(title: str) -> bool:
    own = _own_text(title)
    return bool(_range_in(own) or _YEAR.search(own) or _plan_years(own))


def page_period(
    page_title: str,
    page_text: str,
    notice_title: str,
    notice_text: str | Callable[[], str],
    notice_year: int | None,
) -> Period | None:
    """The period of one page of a notice: its own where its title dates it, else the notice's.

    An attachment titled ``……三年行动实施方案`` or ``2022年度……目标责任`` has its
    own period; one titled ``重点项目清单`` takes the notice's (whose text is
    the text of all its pages; a callable is only called when it is needed).
    """
    if page_title != notice_title and _title_dates_itself(page_title):
        own = document_period(page_title, page_text)
        if own is not None:
            return own
    return document_period(notice_title, notice_text() if callable(notice_text) else notice_text, notice_year)
