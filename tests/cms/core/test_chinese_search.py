"""Admin search and choosers find Chinese words (cms/core/chinese_search.py, cms/units/chooser.py).

Runs on the configured database: SQLite by default, PostgreSQL with
``DATABASE_URL=postgres://…`` (both FTS parsers keep a Chinese run as one token).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from modelsearch.query import PlainText
from wagtail.models import Page

from cms.core.chinese_search import chinese_query, han_pairs, index_text, query_text
from cms.units.models import UnitAlias
from tests.factories import UnitFactory, make_attachment, make_notice, task_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(notice_index):
    town = UnitFactory(name="岩前镇人民政府")
    UnitAlias.objects.create(unit=town, name="岩前")
    UnitFactory(name="区消防救援大队")
    UnitFactory(name="莘口镇人民政府")
    notice = make_notice(notice_index, title="全乡安全生产专项整治三年行动领导组")
    make_attachment(notice, title="2023年岩前镇人民政府消防工作目标责任")
    other = make_notice(notice_index, title="关于做好道路运输安全工作的通知")
    make_attachment(
        other,
        title="道路运输任务清单",
        body=[task_list([{"task": "开展消防车通道专项治理", "deadline": "2024年底前", "units": [(town, "lead")]}])],
    )
    return town


def titles(queryset) -> set[str]:
    return {page.title for page in queryset}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("三年行动", {"全乡安全生产专项整治三年行动领导组"}),
        ("岩前镇", {"2023年岩前镇人民政府消防工作目标责任"}),
        ("消防", {"2023年岩前镇人民政府消防工作目标责任"}),
        ("2023年 消防", {"2023年岩前镇人民政府消防工作目标责任"}),
    ],
)
def test_page_search__finds_chinese_words_in_titles(documents, query, expected):
    # The home page (安全生产和消防工作目标责任) may match too; the road notice never.
    found = titles(Page.objects.autocomplete(query))
    assert expected <= found and not found & {"关于做好道路运输安全工作的通知", "道路运输任务清单"}
    assert expected <= titles(Page.objects.search(query))


def test_page_search__a_phrase_split_across_the_title_is_not_found(documents):
    """All pairs are required: 行动岩前 appears in no title."""
    assert titles(Page.objects.autocomplete("行动岩前")) == set()


def test_admin_page_search_and_page_chooser__list_the_matching_pages(admin_client, documents):
    for url in (reverse("wagtailadmin_pages:search_results"), reverse("wagtailadmin_choose_page_search")):
        for query, title in [
            ("三年行动", "全乡安全生产专项整治三年行动领导组"),
            ("岩前镇", "2023年岩前镇人民政府消防工作目标责任"),
        ]:
            html = admin_client.get(url, {"q": query}).content.decode()
            assert title in html, (url, query)
            assert "关于做好道路运输安全工作的通知" not in html


def test_unit_chooser__finds_units_by_part_of_name_or_alias(admin_client, documents):
    url = reverse("wagtailsnippetchoosers_units_unit:choose_results")
    html = admin_client.get(url, {"q": "岩前镇"}).content.decode()
    assert re.findall(r"data-chooser-modal-choice[^>]*>\s*([^<]+?)\s*<", html) == ["岩前镇人民政府"]
    html = admin_client.get(url, {"q": "消防"}).content.decode()
    assert "区消防救援大队" in html and "莘口镇人民政府" not in html
    # An alias, and a unit list search by substring.
    assert "岩前镇人民政府" in admin_client.get(url, {"q": "岩前"}).content.decode()
    listing = admin_client.get(reverse("wagtailsnippets_units_unit:list"), {"q": "岩前镇"}).content.decode()
    assert "岩前镇人民政府" in listing and "莘口镇人民政府" not in listing


def test_task_ledger_search__finds_tasks_by_chinese_word(admin_client, documents):
    html = admin_client.get("/admin/ledger/task/", {"q": "消防"}).content.decode()
    assert "开展消防车通道专项治理" in html
    assert "开展消防车通道专项治理" not in admin_client.get("/admin/ledger/task/", {"q": "三年行动"}).content.decode()


def test_index_and_query_text__pairs_singles_and_latin_parts():
    assert han_pairs("岩前镇") == ["岩前", "前镇"] and han_pairs("镇") == ["镇"]
    indexed = index_text("2023年岩前镇").split()
    assert {"2023年岩前镇", "年岩", "岩前", "前镇", "镇", "2023"} <= set(indexed)
    assert query_text("2023年岩前镇") == "2023 年岩 岩前 前镇"
    assert index_text("plain text") == "plain text"


def test_chinese_query__keeps_or_between_words_and_and_inside_one():
    query = chinese_query(PlainText("三年行动 岩前镇", operator="or"))
    assert repr(query) == (
        "<Or <PlainText '三年 年行 行动' operator='and' boost=1> <PlainText '岩前 前镇' operator='and' boost=1>>"
    )
