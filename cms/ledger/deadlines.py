"""Turn a free-text 完成时限 into a due date a spreadsheet can sort and filter.

Editors write deadlines as the documents do (``2021年底前``, ``每年``,
``2020-2022年``, ``2020年底前形成，并持续强化``).  The ledger keeps that text
verbatim and puts the parsed date beside it, so a unit can filter "what is
due by 2021-12-31" without anyone retyping the documents.  Parsing is
best-effort and never raises: what is not understood becomes ``unknown`` and
keeps its text.

Rules (after full-width → ASCII normalisation and whitespace removal):

* ``2021年`` / ``2021年底`` / ``2021年底前`` / ``2022年前`` → 2021-12-31
* ``2020年6月`` / ``2020年6月前`` / ``2020年6月底前`` / ``2020.6`` → end of month
* ``2020年6月15日前`` / ``2020.6.15`` / ``2020-06-15`` → that day
* ``上旬``/``月初`` → 10th, ``中旬`` → 20th, ``月中`` → 15th
* ``2020年上半年`` → 06-30, ``下半年`` → 12-31; ``2021年第一季度`` → 03-31
* ``年初`` → 03-31 (end of the first quarter), ``年中`` → 06-30
* ``2020-2022年``, ``2020—2022年``, ``2020年-2022年``, ``2020至2022年`` → range
  2020-01-01 … 2022-12-31
* several dates → the latest is due; a date plus 持续/长期/滚动… → date_ongoing
* ``2021年起`` → start 2021-01-01 with no due date (ongoing / recurring)
* 每年/每季度/每半年/每月/每周/每日/定期 → recurring; 持续推进/长期坚持/常态化/日常工作 → ongoing
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = [
    "DEADLINE_KIND_LABELS",
    "Deadline",
    "deadline_coverage",
    "parse_deadline",
]

DEADLINE_KIND_LABELS: dict[str, str] = {
    "date": "限期",
    "range": "时段",
    "recurring": "周期性",
    "ongoing": "长期",
    "date_ongoing": "限期并长期",
    "unknown": "未识别",
}

_MIN_YEAR = 1900
_MAX_YEAR = 2199


@dataclass(frozen=True)
class Deadline:
    """A parsed 完成时限: the original text plus what a machine can use of it."""

    text: str
    due: date | None
    kind: str
    start: date | None = None
    recurring: str = ""

    @property
    def label(self) -> str:
        """The Chinese label of ``kind`` shown in the ledger's 时限类型 column."""
        return DEADLINE_KIND_LABELS.get(self.kind, DEADLINE_KIND_LABELS["unknown"])


# --- normalisation ----------------------------------------------------------

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# Characters whose NFKC form matters to dates: full-width digits, letters, signs and
# spaces, Roman and circled numerals.  Chinese punctuation (，；。) is left alone.
COMPATIBILITY_FORMS = re.compile(
    r"[\u00a0\u2160-\u217f\u2460-\u24ff\u3000\uff0b\uff0d-\uff19\uff21-\uff3a\uff41-\uff5a\uff5e]"
)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u301c\u30fc\uff5e~]+|-{2,}")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_SMALL_NUMBER = re.compile(r"(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}(?=月|日|号)")
# A bare 4-digit year that opens or closes a range gets its 年, so that
# ``2020-2022年`` and ``2020至2022`` read like ``2020年-2022年``.
_BARE_RANGE_START = re.compile(r"(?<![\d./-])(\d{4})(?![\d年])(?=(?:-|至|到)\d{4}(?!\d))")
_BARE_RANGE_END = re.compile(r"(?<=[年月日][-至到])(\d{4})(?![\d年./-])")


def _cn_number(token: str) -> int | None:
    """A small Chinese numeral (一 … 三十一) as int; None when it is not one."""
    if "十" not in token:
        return _CN_DIGITS.get(token) if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    value = (_CN_DIGITS.get(tens, -100) if tens else 1) * 10 + (_CN_DIGITS.get(ones, -100) if ones else 0)
    return value if value > 0 else None


def _replace_cn_small(match: re.Match[str]) -> str:
    value = _cn_number(match.group(0))
    return str(value) if value is not None else match.group(0)


def _normalise(text: str) -> str:
    """One canonical spelling: ASCII digits, one dash, no spaces, Arabic months."""
    if COMPATIBILITY_FORMS.search(text):  # NFKC costs more than the rest; Chinese punctuation needs none
        text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = _DASHES.sub("-", text)
    text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(0)), text)
    text = _CN_SMALL_NUMBER.sub(_replace_cn_small, text)
    text = text.replace("月份", "月")
    text = _BARE_RANGE_START.sub(r"\1年", text)
    return _BARE_RANGE_END.sub(r"\1年", text)


# --- date points ------------------------------------------------------------

_POINT = re.compile(
    r"(?P<ymd>(?<!\d)(?P<a_y>\d{4})(?:年|[./-])(?P<a_m>\d{1,2})(?:月|[./-])(?P<a_d>\d{1,2})(?!\d)(?:日|号)?)"
    r"|(?P<quarter>(?<!\d)(?P<c_y>\d{4})年?第?(?:(?P<c_q>[一二三四1-4])季度?|[Qq](?P<c_q2>[1-4]))末?)"
    r"|(?P<half>(?<!\d)(?P<d_y>\d{4})年?(?P<d_h>[上下])半年)"
    r"|(?P<ym>(?<!\d)(?P<b_y>\d{4})(?:年|[./-])(?P<b_m>\d{1,2})(?!\d)月?(?P<b_q>上旬|中旬|下旬|初|中|底|末)?)"
    r"|(?P<year>(?<!\d)(?P<e_y>\d{4})年(?:度|年)?(?P<e_q>底|末|终|初|中)?)"
    r"|(?P<month>(?<![\d年./-])(?P<f_m>\d{1,2})月(?:(?P<f_d>\d{1,2})[日号]|(?P<f_q>上旬|中旬|下旬|初|中|底|末))?)"
)
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_RANGE_CONNECTOR = re.compile(r"^(?:起|开始)?[-至到]+$")
_START_MARKER = re.compile(r"^(?:起|开始|以来|以后)")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, month: int, qualifier: str | None) -> tuple[date, date] | None:
    """First and last day a month point may mean, narrowed by 上旬/中旬/月中 …."""
    if not 1 <= month <= 12:
        return None
    first = date(year, month, 1)
    day = {"上旬": 10, "初": 10, "中": 15, "中旬": 20}.get(qualifier or "")
    return first, (date(year, month, day) if day else _month_end(year, month))


def _point_span(match: re.Match[str], previous_year: int | None) -> tuple[date, date] | None:
    """The (start, end) period one regex match stands for, or None if it is not a date."""
    group = match.group
    if group("month") is not None:
        if previous_year is None:
            return None
        year = previous_year
    else:
        year = int(group("a_y") or group("b_y") or group("c_y") or group("d_y") or group("e_y"))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    if group("ymd") is not None or (group("month") is not None and group("f_d")):
        month = int(group("a_m") or group("f_m"))
        day = int(group("a_d") or group("f_d"))
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            exact = date(year, month, day)
            return exact, exact
        return _month_span(year, month, None)
    if group("quarter") is not None:
        quarter = _QUARTERS[group("c_q") or group("c_q2")]
        return date(year, quarter * 3 - 2, 1), _month_end(year, quarter * 3)
    if group("half") is not None:
        return (date(year, 1, 1), date(year, 6, 30)) if group("d_h") == "上" else (date(year, 7, 1), date(year, 12, 31))
    if group("ym") is not None:
        # ``2020.13`` is no month, but the year is still what the editor meant.
        return _month_span(year, int(group("b_m")), group("b_q")) or (
            date(year, 1, 1),
            date(year, 12, 31),
        )
    if group("month") is not None:
        return _month_span(year, int(group("f_m")), group("f_q"))
    qualifier = group("e_q")
    if qualifier == "初":
        return date(year, 1, 1), date(year, 3, 31)
    if qualifier == "中":
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 1, 1), date(year, 12, 31)


# --- periodic and ongoing wording ------------------------------------------

_RECURRING = (
    (re.compile(r"每半年|半年一次|每年上下半年"), "每半年"),
    (re.compile(r"每季度?|按季度?|季度开展|季度一次|逐季"), "每季度"),
    (re.compile(r"每年|逐年|按年|年年|每一年"), "每年"),
    (re.compile(r"每月|按月|逐月|月度"), "每月"),
    (re.compile(r"每周|每星期|按周"), "每周"),
    (re.compile(r"每旬"), "每旬"),
    (re.compile(r"每日|每天|逐日"), "每日"),
    (re.compile(r"定期"), "定期"),
)
_ONGOING = re.compile(r"持续|长期|常态|常年|日常|长效|滚动|不断|经常|坚持|始终|一直|全年|随时|久久为功")


def _recurring_word(rest: str) -> str:
    for pattern, word in _RECURRING:
        if pattern.search(rest):
            return word
    return ""


# --- parsing ----------------------------------------------------------------


def parse_deadline(text: str) -> Deadline:
    """Parse one 完成时限; never raises, unknown wording gives ``kind="unknown"``."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        return _parse_cached(text)
    except Exception:  # a ledger must never fail on an odd cell
        return Deadline(text=text, due=None, kind="unknown")


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Deadline:
    """Cached because a ledger repeats the same few dozen wordings thousands of times."""
    norm = _normalise(text)
    matches: list[tuple[re.Match[str], date, date]] = []
    previous_year: int | None = None
    for match in _POINT.finditer(norm):
        span = _point_span(match, previous_year)
        if span is None:
            continue
        matches.append((match, span[0], span[1]))
        previous_year = span[1].year

    rest_parts: list[str] = []
    cursor = 0
    for match, _, _ in matches:
        rest_parts.append(norm[cursor : match.start()])
        cursor = match.end()
    rest_parts.append(norm[cursor:])
    rest = "|".join(rest_parts)
    recurring = _recurring_word(rest)
    ongoing = bool(_ONGOING.search(rest))

    if not matches:
        if recurring:
            return Deadline(text=text, due=None, kind="recurring", recurring=recurring)
        if ongoing:
            return Deadline(text=text, due=None, kind="ongoing")
        return Deadline(text=text, due=None, kind="unknown")

    count = len(matches)
    between = [
        norm[matches[i][0].end() : matches[i + 1][0].start() if i + 1 < count else len(norm)] for i in range(count)
    ]
    joins_next = [i + 1 < count and bool(_RANGE_CONNECTOR.match(between[i])) for i in range(count)]
    range_starts = [matches[i][1] for i in range(count) if joins_next[i]]
    open_starts = [matches[i][1] for i in range(count) if not joins_next[i] and _START_MARKER.match(between[i])]
    due_points = [matches[i][2] for i in range(count) if not joins_next[i] and not _START_MARKER.match(between[i])]

    start: date | None
    if range_starts:
        start = min(range_starts + open_starts)
        due = max(due_points) if due_points else max(end for _, _, end in matches)
        if start > due:
            # "2022-2020年" is a range typed backwards: it spans both years,
            # rather than collapsing to the earlier year's last day.
            start = min(first for _, first, _ in matches)
            due = max(end for _, _, end in matches)
        return Deadline(text=text, due=due, kind="range", start=start, recurring=recurring)
    if not due_points:
        start = min(open_starts)
        kind = "recurring" if recurring else "ongoing"
        return Deadline(text=text, due=None, kind=kind, start=start, recurring=recurring)
    due = max(due_points)
    start = min(open_starts) if open_starts else None
    if start is not None and start > due:
        start = None
    kind = "date_ongoing" if ongoing else "date"
    return Deadline(text=text, due=due, kind=kind, start=start, recurring=recurring)


def deadline_coverage(texts: list[str]) -> tuple[int, int, list[str]]:
    """How many non-blank deadline texts are understood, of how many, and the rest.

    Blank cells are not counted: there is nothing to understand.  The unknown
    samples are distinct, in order of first appearance, so a report can show
    editors which wordings to fix or which rule to add.
    """
    understood = 0
    total = 0
    unknown: list[str] = []
    seen: set[str] = set()
    for text in texts:
        if text is None or not str(text).strip():
            continue
        total += 1
        if parse_deadline(text).kind != "unknown":
            understood += 1
        elif text not in seen:
            seen.add(text)
            unknown.append(text)
    return understood, total, unknown
