"""Deadline parsing against the wording the seed documents really use."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.ledger.deadlines import (
    _MAX_YEAR,
    _MIN_YEAR,
    DEADLINE_KIND_LABELS,
    Deadline,
    _parse_cached,
    deadline_coverage,
    parse_deadline,
)
from tests.fuzzing import fuzz_settings

SEEDS = Path(__file__).resolve().parents[3] / "content" / "seeds"
DEADLINE_HEADERS = {"完成时限", "完成年限"}


# --- helper: the 完成时限 cells of the seed tables ---------------------------


def _next_nonblank(lines: list[str], index: int) -> str:
    for line in lines[index + 1 :]:
        if line.strip():
            return line
    return ""


def _raw_tables(path: Path) -> list[list[list[str]]]:
    """Tables as rows of cells: a cell per tab-led line, rows split by blank lines.

    Word wraps some cells onto untabbed lines (``长期`` / ``坚持``); a short
    untabbed line, or one followed by a tabbed line, continues the last cell.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    tables: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    row: list[str] | None = None
    for index, line in enumerate(lines):
        if line.startswith("\t"):
            if rows is None:
                rows = []
                tables.append(rows)
            if row is None:
                row = []
                rows.append(row)
            row.append(line[1:].strip())
        elif not line.strip():
            row = None
        elif (
            rows
            and rows[-1]
            and not re.match(r"^\s*附件\s*\d+", line)
            and (len(line.strip()) <= 12 or _next_nonblank(lines, index).startswith("\t"))
        ):
            rows[-1][-1] += line.strip()
            row = rows[-1]
        else:
            rows = row = None
    return tables


def seed_deadline_texts() -> list[str]:
    """Every cell under a 完成时限/完成年限 header in the seed tables.

    A table row broken by blank lines is glued back until it has as many
    cells as the header; a row longer than the header means another table
    began without a gap, so reading stops there.
    """
    texts: list[str] = []
    for path in sorted(SEEDS.glob("00*.txt")):
        for table in _raw_tables(path):
            header = [re.sub(r"\s", "", cell) for cell in table[0]]
            columns = [i for i, cell in enumerate(header) if cell in DEADLINE_HEADERS]
            if not columns:
                continue
            pending: list[str] = []
            for row in table[1:]:
                pending = pending + row
                if len(pending) == len(header):
                    texts.append(pending[columns[0]])
                    pending = []
                elif len(pending) > len(header):
                    break
    return texts


# --- the rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2021年底前", date(2021, 12, 31)),
        ("2022年底前", date(2022, 12, 31)),
        ("2020年底", date(2020, 12, 31)),
        ("2022年前", date(2022, 12, 31)),
        ("2020年", date(2020, 12, 31)),
        ("2022年", date(2022, 12, 31)),
    ],
)
def test_parse_deadline__year_end(text: str, due: date) -> None:
    assert parse_deadline(text) == Deadline(text=text, due=due, kind="date", start=None, recurring="")


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2020年6月前", date(2020, 6, 30)),
        ("2020年6月底前", date(2020, 6, 30)),
        ("2020年7月前", date(2020, 7, 31)),
        ("2020年12月底前", date(2020, 12, 31)),
        ("2022年10月底前", date(2022, 10, 31)),
        ("2021年6月底前", date(2021, 6, 30)),
        ("2020年8月", date(2020, 8, 31)),
        ("2020年6月", date(2020, 6, 30)),
        ("2020.6", date(2020, 6, 30)),
        ("2020年7月份前", date(2020, 7, 31)),
        ("2020年2月", date(2020, 2, 29)),
    ],
)
def test_parse_deadline__month_end(text: str, due: date) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due) == ("date", due)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2020年6月15日前", date(2020, 6, 15)),
        ("2020年6月22日", date(2020, 6, 22)),
        ("2020年6月25日", date(2020, 6, 25)),
        ("2020/6/30", date(2020, 6, 30)),
        ("2020-06-30", date(2020, 6, 30)),
    ],
)
def test_parse_deadline__exact_day(text: str, due: date) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due) == ("date", due)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2020年上半年", date(2020, 6, 30)),
        ("2020年下半年", date(2020, 12, 31)),
        ("2021年第一季度", date(2021, 3, 31)),
        ("2021年三季度", date(2021, 9, 30)),
        ("2021年第4季度末", date(2021, 12, 31)),
    ],
)
def test_parse_deadline__half_year_and_quarter(text: str, due: date) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due, parsed.start) == ("date", due, None)


@pytest.mark.parametrize(
    "text",
    [
        "2020-2022年",
        "2020—2022年",
        "2020年-2022年",
        "2020至2022年",
        "2020年至2022年",
        "2020～2022年",
        "2020年\n\n-2022年",
    ],
)
def test_parse_deadline__year_range(text: str) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.start, parsed.due) == (
        "range",
        date(2020, 1, 1),
        date(2022, 12, 31),
    )
    assert parsed.text == text


def test_parse_deadline__month_range_inherits_year() -> None:
    parsed = parse_deadline("2020年6月至12月")
    assert (parsed.kind, parsed.start, parsed.due) == (
        "range",
        date(2020, 6, 1),
        date(2020, 12, 31),
    )


@pytest.mark.parametrize(
    ("text", "recurring"),
    [
        ("每年", "每年"),
        ("每季度", "每季度"),
        ("每季度末24日前", "每季度"),
        ("季度开展", "每季度"),
        ("每年初", "每年"),
        ("每半年", "每半年"),
        ("每月", "每月"),
    ],
)
def test_parse_deadline__recurring(text: str, recurring: str) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due, parsed.recurring) == ("recurring", None, recurring)


@pytest.mark.parametrize("text", ["持续推进", "长期坚持", "长期\n\n坚持", "长期", "常态化", "日常工作", "长期创建"])
def test_parse_deadline__ongoing(text: str) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due, parsed.start) == ("ongoing", None, None)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2020年底前形成，并持续强化", date(2020, 12, 31)),
        ("2021年底前完成，并滚动更新", date(2021, 12, 31)),
    ],
)
def test_parse_deadline__date_then_ongoing(text: str, due: date) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due) == ("date_ongoing", due)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2020年底前完成50%，2021年底前全部完成", date(2021, 12, 31)),
        ("2021年、2022年12月28日前", date(2022, 12, 28)),
    ],
)
def test_parse_deadline__several_dates_latest_is_due(text: str, due: date) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due) == ("date", due)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("２０２１年底前", date(2021, 12, 31)),
        ("２０２０年 ６月", date(2020, 6, 30)),
        (" 2020 年 6 月 15 日前 ", date(2020, 6, 15)),
        ("２０２０．６", date(2020, 6, 30)),
        ("二〇二〇年十二月底前", date(2020, 12, 31)),
    ],
)
def test_parse_deadline__full_width_and_spaces(text: str, due: date) -> None:
    assert parse_deadline(text).due == due


def test_parse_deadline__start_without_due() -> None:
    parsed = parse_deadline("2021年起每年")
    assert (parsed.kind, parsed.start, parsed.due, parsed.recurring) == (
        "recurring",
        date(2021, 1, 1),
        None,
        "每年",
    )


@pytest.mark.parametrize("text", ["按照上级规定时限", "适时推进", "", "   ", "6月22日报送", "每度末"])
def test_parse_deadline__unknown_keeps_text(text: str) -> None:
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due, parsed.text) == ("unknown", None, text)


@pytest.mark.parametrize("text", ["2020年13月", "2020.02.30", "0000年", "9999年底前", "2020年6月32日"])
def test_parse_deadline__impossible_dates_do_not_raise(text: str) -> None:
    parsed = parse_deadline(text)
    assert parsed.kind in DEADLINE_KIND_LABELS


def test_parse_deadline__labels_cover_every_kind() -> None:
    assert DEADLINE_KIND_LABELS == {
        "date": "限期",
        "range": "时段",
        "recurring": "周期性",
        "ongoing": "长期",
        "date_ongoing": "限期并长期",
        "unknown": "未识别",
    }
    assert parse_deadline("每年").label == "周期性"


_DEADLINE_ALPHABET = st.sampled_from(
    [
        *"0123456789０１２３４５６７８９年月日底前后起至到初中末旬上下半季度第每",
        *"持续长期-—–~～./ 、，,（）",
        *["2020", "2021", "2022", "12", "6", "31", "\t", "\n", "\r", "\x00", "一", "十", "〇"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_DEADLINE_ALPHABET, max_size=20).map("".join)))
def test_parse_deadline__never_raises_and_due_not_before_start(text: str) -> None:
    parsed = parse_deadline(text)
    assert parsed.kind in DEADLINE_KIND_LABELS
    assert parsed.text == text
    if parsed.due is not None and parsed.start is not None:
        assert parsed.due >= parsed.start
    if parsed.kind in {"date", "range", "date_ongoing"}:
        assert parsed.due is not None


# --- the seeds ----------------------------------------------------------------------


def test_deadline_coverage__counts_blank_as_nothing() -> None:
    assert deadline_coverage(["2021年底前", "", "按照上级规定时限", "按照上级规定时限", "每年"]) == (
        2,
        4,
        ["按照上级规定时限"],
    )


def test_deadline_coverage__seed_tables_with_a_year_all_get_a_due_date() -> None:
    texts = seed_deadline_texts()
    assert len(texts) > 300, "the seed table reader lost the 完成时限 columns"
    understood, total, unknown = deadline_coverage(texts)
    share = f"{understood}/{total} = {understood / total:.1%}"
    print(f"\nseed 完成时限 coverage: {share}; unknown: {unknown}")
    assert understood / total > 0.95
    undated = [text for text in texts if re.search(r"\d{4}", text) and parse_deadline(text).due is None]
    assert undated == []


# --- more properties (fuzz: FUZZ_EXAMPLES raises the counts, see tests/fuzzing.py) ------


# Any str a database, a form or a spreadsheet cell can hold, lone surrogates included.
_ANY_STR = st.text(st.characters(codec=None, categories=None), max_size=60)
_DATE_WORDS = st.sampled_from(
    ["年", "月", "日", "号", "底", "前", "末", "初", "中", "旬", "季度", "半年", "起", "至", "-", "."]
)
_NEAR_DATES = st.lists(
    st.one_of(_DATE_WORDS, st.integers(0, 99999).map(str), st.integers(1890, 2210).map(str)), max_size=12
).map("".join)


def _sane(value: date | None) -> bool:
    return value is None or (type(value) is date and _MIN_YEAR <= value.year <= _MAX_YEAR)


@fuzz_settings(300)
@given(
    st.one_of(
        _ANY_STR,
        _NEAR_DATES,
        _NEAR_DATES.map(lambda s: s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    )
)
def test_parse_deadline__dates_are_real_dates_in_a_sane_range(text: str) -> None:
    """Whatever the text, a due or start date is a plain ``date`` between 1900 and 2199, kinds consistent.

    The rules are checked without ``parse_deadline``'s catch-all, which would
    hide a crash as a silent "未识别" on a deadline that has a date.
    """
    parsed = _parse_cached.__wrapped__(text)
    assert parsed == parse_deadline(text)
    assert parsed.kind in DEADLINE_KIND_LABELS and parsed.label == DEADLINE_KIND_LABELS[parsed.kind]
    assert _sane(parsed.due) and _sane(parsed.start)
    if parsed.kind in ("ongoing", "unknown"):
        assert parsed.due is None
    if parsed.kind == "unknown":
        assert parsed.start is None and parsed.recurring == ""
    if parsed.kind == "range":
        assert parsed.start is not None and parsed.start <= parsed.due
    assert (parsed.kind == "recurring") <= bool(parsed.recurring)


@fuzz_settings(300)
@given(
    st.dates(date(_MIN_YEAR, 1, 1), date(_MAX_YEAR, 12, 31)),
    st.sampled_from(["{y}年{m}月{d}日前", "{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]),
    st.booleans(),
)
def test_parse_deadline__any_written_day_round_trips(day: date, pattern: str, full_width: bool) -> None:
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    if full_width:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert (parse_deadline(text).kind, parse_deadline(text).due) == ("date", day)


@fuzz_settings(200)
@given(st.integers(_MIN_YEAR, _MAX_YEAR), st.integers(_MIN_YEAR, _MAX_YEAR))
def test_parse_deadline__year_ranges_in_either_order_never_invert(first: int, second: int) -> None:
    parsed = parse_deadline(f"{first}-{second}年")
    assert parsed.kind == "range"
    assert parsed.start is not None and parsed.due is not None and parsed.start <= parsed.due
    assert (parsed.start, parsed.due) == (date(min(first, second), 1, 1), date(max(first, second), 12, 31))


@fuzz_settings(200)
@given(st.integers(0, 99999).filter(lambda y: not _MIN_YEAR <= y <= _MAX_YEAR))
def test_parse_deadline__years_out_of_range_give_no_date(year: int) -> None:
    for text in (f"{year}年底前", f"{year}年6月30日", f"{year}-{year}年"):
        parsed = parse_deadline(text)
        assert parsed.due is None and parsed.start is None, text
