"""A year of 目标责任 for 20 towns: progress and 销号 → score sheets, 等次, the 考核结果通报 draft,
its approval (审核 → 签发), and the published 通报 on the exported public site."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.assessment.models import AssessmentScheme
from cms.assessment.services import TITLE, AssessmentError, assess, generate_result_notice
from cms.core.tasks import task_row, unit_ref
from cms.documents.models import NoticePage
from cms.ledger.models import ProgressStatus, Task
from cms.ledger.progress import Report, record_progress, review
from cms.units.choices import GroupKind
from cms.units.models import UnitGroup
from cms.workflow.setup import EDITORS, REVIEWERS, SIGNERS
from tests.cms.workflow.test_approval import act, latest_state
from tests.factories import UnitFactory, list_value, make_attachment, make_notice, task_list

TOWNS = [
    "东石镇", "安海镇", "磁灶镇", "陈埭镇", "池店镇", "内坑镇", "紫帽镇", "西滨镇", "永和镇", "英林镇",
    "金井镇", "龙湖镇", "深沪镇", "灵源街道", "新塘街道", "罗山街道", "梅岭街道", "青阳街道", "西园街道", "凤里街道",
]  # fmt: skip
DUES = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
THRESHOLDS = (85.0, 70.0, 50.0)  # configured, not the defaults


def pattern(n: int) -> list[str]:
    """What town ``n`` did with each of its four items: on time, late, or left open."""
    outcomes = ["on_time"] * (4 - n % 5) + ["late"] * (n % 3) + ["open"] * 4
    return outcomes[:4]


def expected_score(outcomes: list[str]) -> float:
    return round(100 * sum({"on_time": 1, "late": 0.5, "open": 0}[o] for o in outcomes) / len(outcomes), 2)


def expected_grade(score: float) -> str:
    excellent, good, passing = THRESHOLDS
    return "优秀" if score >= excellent else "良好" if score >= good else "合格" if score >= passing else "不合格"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def year(notice_index, django_user_model) -> dict[str, Any]:
    units = [UnitFactory(name=name) for name in TOWNS]
    notice = make_notice(
        notice_index,
        title="关于下达2024年度安全生产和消防工作目标责任的通知",
        doc_number="晋安办〔2024〕3号",
        issuer="晋江市安全生产委员会办公室",
        signature="晋江市安全生产委员会办公室",
        year=2024,
    )
    rows = [
        {"task": f"{unit.name}第{k + 1}项目标", "deadline": f"{due:%Y年%-m月%-d日}前", "units": [(unit, "lead")]}
        for unit in units
        for k, due in enumerate(DUES)
    ]
    make_attachment(notice, title="目标责任", body=[task_list(rows)])
    office = django_user_model.objects.create_user("office", "", "secret-pass-123")
    office.groups.add(Group.objects.get(name=EDITORS))
    for n, unit in enumerate(units):
        tasks = list(Task.objects.filter(task_units__unit=unit).order_by("position"))
        assert len(tasks) == 4
        for task, result in zip(tasks, pattern(n), strict=True):
            if result == "open":
                record_progress(task, office, unit, Report(ProgressStatus.IN_PROGRESS, "推进中"))
                continue
            closed_on = task.due_date if result == "on_time" else date(2025, 1, 20)
            record_progress(task, office, unit, Report(ProgressStatus.REQUESTED, "已完成", reported_on=closed_on))
            review(task, office, ProgressStatus.CLOSED, on=closed_on)
    scheme = AssessmentScheme.objects.create(
        notice=notice, excellent_min=THRESHOLDS[0], good_min=THRESHOLDS[1], pass_min=THRESHOLDS[2]
    )
    return {"units": units, "notice": notice, "scheme": scheme, "office": office}


def test_year__score_sheets_and_grades_are_recomputed_from_the_data(year):
    assessment = assess(year["scheme"])
    got = {assessment.unit_name(s): (s.score, s.grade) for s in assessment.sheets}
    expected = {}
    for n, unit in enumerate(year["units"]):
        score = expected_score(pattern(n))
        expected[unit.name] = (score, expected_grade(score))
    assert got == expected
    assert len({grade for _, grade in expected.values()}) == 4  # the year really mixes all 等次
    scores = [s.score for s in assessment.sheets]
    assert scores == sorted(scores, reverse=True) and assessment.sheets[0].rank == 1


def test_year__admin_ranking_and_unit_sheet(year):
    client = client_for(year["office"])
    html = client.get(reverse("assessment:ranking", args=[year["scheme"].pk])).content.decode()
    assert all(name in html for name in TOWNS)
    town = year["units"][1]  # 安海镇: three on time, one late
    sheet = client.get(reverse("assessment:sheet", args=[year["scheme"].pk, town.pk])).content.decode()
    assert "安海镇第1项目标" in sheet and "按期销号" in sheet and str(expected_score(pattern(1))) in sheet


def test_year__result_notice_is_drafted_approved_published_and_exported(year, django_user_model, tmp_path: Path):
    office_client = client_for(year["office"])
    response = office_client.post(reverse("assessment:generate", args=[year["scheme"].pk]))
    year["scheme"].refresh_from_db()
    page = NoticePage.objects.get(pk=year["scheme"].result_notice_id)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert (
        not page.live
        and page.title == TITLE.format(year=2024) == "关于2024年度安全生产和消防工作目标责任考核结果的通报"
    )
    draft = page.get_latest_revision_as_object()
    assert set(draft.recipients.rstrip("：").split("、")) == set(TOWNS)
    assert draft.signature == "晋江市安全生产委员会办公室" and draft.written_date is not None

    expected: dict[str, list[str]] = {"优秀": [], "良好": [], "合格": [], "不合格": []}
    for n, unit in sorted(enumerate(year["units"]), key=lambda p: (-expected_score(pattern(p[0])), p[1].pk)):
        expected[expected_grade(expected_score(pattern(n)))].append(unit.name)
    text = " ".join(block.render_as_block() for block in draft.body)
    for grade, names in expected.items():
        assert f"{grade}（{len(names)}个）：{'、'.join(names) or '无'}。" in text

    # 起草 → 审核 → 签发, as any notice.
    page.get_workflow().start(page, year["office"])
    reviewer = django_user_model.objects.create_user("reviewer", "", "secret-pass-123")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    signer = django_user_model.objects.create_user("signer", "", "secret-pass-123")
    signer.groups.add(Group.objects.get(name=SIGNERS))
    act(client_for(reviewer), page, "approve")
    assert not NoticePage.objects.get(pk=page.pk).live
    act(client_for(signer), page, "approve")
    assert latest_state(page).status == WorkflowState.STATUS_APPROVED
    assert NoticePage.objects.get(pk=page.pk).live

    site = tmp_path / "site"
    call_command("export_site", "--out", str(site), "--src", str(tmp_path / "src"), stdout=io.StringIO())
    pages = [p for p in site.rglob("*.html") if "考核结果的通报" in p.read_text(encoding="utf-8")]
    own = [p for p in pages if "优秀（" in p.read_text(encoding="utf-8")]
    assert own, "the published 通报 has its own page on the site"
    html = own[0].read_text(encoding="utf-8")
    assert all(name in html for name in TOWNS) and "晋江市安全生产委员会办公室" in html


def test_scheme_admin__office_creates_schemes_unit_editors_cannot(year, django_user_model):
    url = "/admin/assessment/assessmentscheme/"
    office = client_for(year["office"])
    assert office.get(f"{url}create/").status_code == 200
    listing = office.get(url).content.decode()
    assert reverse("assessment:ranking", args=[year["scheme"].pk]) in listing
    town_editor = django_user_model.objects.create_user("town", "", "secret-pass-123")
    town_editor.groups.add(Group.objects.create(name="编辑-某镇"))
    town = client_for(town_editor)
    assert town.get(f"{url}create/").status_code in (302, 403)
    assert town.get(reverse("assessment:ranking", args=[year["scheme"].pk])).status_code in (302, 403)
    assert town.post(reverse("assessment:generate", args=[year["scheme"].pk])).status_code in (302, 403)
    assert year["scheme"].result_notice_id is None


def test_generate__refuses_to_regenerate_a_published_result(year):
    page = generate_result_notice(year["scheme"], year["office"])
    again = generate_result_notice(year["scheme"], year["office"])
    assert again.pk == page.pk and NoticePage.objects.filter(title=page.title).count() == 1
    page.get_latest_revision().publish()
    with pytest.raises(AssessmentError, match="已发布"):
        generate_result_notice(year["scheme"], year["office"])


def test_assess__units_reached_through_a_group_are_scored(notice_index):
    # A task given to 各乡镇（街道） is each member town's item at year end, like one naming the town.
    towns = [UnitFactory(name=name) for name in TOWNS[:3]]
    group = UnitGroup.objects.create(name="各乡镇（街道）", kind=GroupKind.PLACES)
    group.members.set(towns)
    group.save()  # parental relations are written on save
    notice = make_notice(notice_index, title="关于下达2024年度安全生产和消防工作目标责任的通知", year=2024)
    row = task_row(
        task="组织开展消防安全检查",
        deadline="2024年6月30日前",
        units=list_value([unit_ref(None, group.name, group=group.pk)]),
    )
    make_attachment(
        notice, title="目标责任", body=[{"type": "task_list", "value": {"title": "", "rows": list_value([row])}}]
    )
    scheme = AssessmentScheme.objects.create(notice=notice)
    sheets = assess(scheme).sheets
    assert sorted(sheet.unit_id for sheet in sheets) == sorted(town.pk for town in towns)
    assert all(sheet.score == 0 for sheet in sheets)  # nothing closed yet: every town answers for the item
