"""Due dates and check-ins (节点) from an obligation's text and its document's period."""

from __future__ import annotations

from datetime import date

import pytest

from cms.ledger.schedule import (
    Period,
    checkpoints_between,
    document_period,
    document_year,
    next_checkpoint,
    page_period,
    schedule_obligation,
)

YEAR_2023 = Period.year(2023)
PLAN = Period(date(2020, 1, 1), date(2022, 12, 31), annual=False)


@pytest.mark.parametrize(
    ("title", "text", "year", "expected"),
    [
        ("关于下达2022年度安全生产和消防工作目标责任的通知", "", None, (date(2022, 1, 1), date(2022, 12, 31), True)),
        ("安全生产专项整治行动方案（2020—2022年）", "", 2022, (date(2020, 1, 1), date(2022, 12, 31), False)),
        (
            "全乡安全生产专项整治三年行动领导组",
            "从2020年4月至2022年12月，分四个阶段进行",
            None,
            (date(2020, 1, 1), date(2022, 12, 31), False),
        ),
        # The start year of a 三年行动 without a stated span: the first year it names among the last three.
        (
            "消防安全治本攻坚三年行动重点项目清单",
            "（泉台委办发〔2022〕5号）2024年6月底前……2025年完成……2026年",
            None,
            (date(2024, 1, 1), date(2026, 12, 31), False),
        ),
        # A span inside a cited title is that document's period, not this one's.
        ("任务清单", "落实《信用体系建设总体方案（2018-2020年）》", 2021, (date(2021, 1, 1), date(2021, 12, 31), True)),
    ],
)
def test_document_period__from_title_then_text_then_year(title, text, year, expected) -> None:
    period = document_period(title, text, year)
    assert period is not None
    assert (period.start, period.end, period.annual) == expected


def test_document_period__nothing_to_go_on_is_none() -> None:
    assert document_period("领导小组名单", "组长：某某") is None


def test_document_year__set_year_wins_else_period_start() -> None:
    assert document_year(2021, "三年行动", "2024年") == 2021
    assert document_year(None, "消防安全治本攻坚三年行动", "2024年启动，2026年完成") == 2024
    assert document_year(None, "名单", "") is None


def test_page_period__attachment_dated_by_its_title_else_the_notice() -> None:
    own = page_period("2023年目标责任书", "", "三年行动通知", "2020-2022年", None)
    assert own == Period.year(2023)
    inherited = page_period("重点项目清单", "", "三年行动通知", "2020-2022年", None)
    assert inherited == PLAN


def test_schedule__annual_target_without_text_is_due_at_year_end() -> None:
    schedule = schedule_obligation("", "火灾防控目标。不发生较大火灾。", YEAR_2023)
    assert schedule.due == date(2023, 12, 31)
    assert schedule.basis == "年度"
    assert schedule.checkpoints == ()


def test_schedule__plan_task_without_deadline_is_due_at_plan_end() -> None:
    schedule = schedule_obligation("", "完善工作机制。", PLAN)
    assert (schedule.due, schedule.basis) == (date(2022, 12, 31), "方案期限")


def test_schedule__stated_deadline_wins_over_the_period() -> None:
    schedule = schedule_obligation("2021年6月底前", "", PLAN)
    assert (schedule.due, schedule.basis) == (date(2021, 6, 30), "完成时限")


def test_schedule__year_by_year_steps_in_the_detail_become_checkpoints() -> None:
    plan = Period(date(2023, 1, 1), date(2025, 12, 31), annual=False)
    detail = "2023年完成摸底；2024年6月底前整改一半；2025年全面完成。参照《方案（2018-2020年）》"
    schedule = schedule_obligation("", detail, plan)
    assert schedule.due == date(2025, 12, 31)
    assert schedule.checkpoints == (date(2023, 12, 31), date(2024, 6, 30))
    assert schedule.basis == "工作内容"


def test_schedule__quarter_end_24th_gives_four_checkins_a_year() -> None:
    schedule = schedule_obligation("每季度末24日前", "", YEAR_2023)
    assert schedule.checkpoints == (date(2023, 3, 24), date(2023, 6, 24), date(2023, 9, 24), date(2023, 12, 24))
    assert schedule.due == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("text", "count", "first"),
    [
        ("每年", 3, date(2020, 12, 31)),
        ("每半年", 6, date(2020, 6, 30)),
        ("每月", 36, date(2020, 1, 31)),
        ("每年6月底前", 3, date(2020, 6, 30)),
    ],
)
def test_schedule__recurring_checkins_within_the_plan(text, count, first) -> None:
    schedule = schedule_obligation(text, "", PLAN)
    assert len(schedule.checkpoints) == count
    assert schedule.checkpoints[0] == first
    assert schedule.due == PLAN.end


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "日常工作"])
def test_schedule__ongoing_is_checked_quarterly_unless_configured(text) -> None:
    quarterly = schedule_obligation(text, "", YEAR_2023)
    assert quarterly.checkpoints == (date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30), date(2023, 12, 31))
    monthly = schedule_obligation(text, "", YEAR_2023, ongoing_cadence="每月")
    assert len(monthly.checkpoints) == 12


def test_schedule__no_period_and_no_text_has_no_date() -> None:
    assert schedule_obligation("", "加强管理", None).due is None


def test_next_checkpoint__first_on_or_after_today() -> None:
    days = checkpoints_between(YEAR_2023.start, YEAR_2023.end, "每季度")
    assert next_checkpoint(days, date(2023, 6, 30)) == date(2023, 6, 30)
    assert next_checkpoint(days, date(2023, 7, 1)) == date(2023, 9, 30)
    assert next_checkpoint(days, date(2024, 1, 1)) is None


def test_schedule__steps_joined_by_commas_are_still_separate_steps() -> None:
    plan = Period(date(2024, 1, 1), date(2026, 12, 31), annual=False)
    schedule = schedule_obligation("", "2024年底前接入率达到30%以上，2025年底达到60%，2026年底全部接入。", plan)
    assert schedule.checkpoints == (date(2024, 12, 31), date(2025, 12, 31))
    assert schedule.due == date(2026, 12, 31)


def test_document_period__a_dated_three_year_plan_is_not_one_year() -> None:
    period = document_period("2024年安全生产治本攻坚三年行动方案")
    assert period == Period(date(2024, 1, 1), date(2026, 12, 31), annual=False)
