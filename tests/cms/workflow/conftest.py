"""Users in the editorial groups, each with their own logged-in client, and two towns' sections and tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cms.ledger.models import Task
from cms.workflow.setup import EDITORS, REVIEWERS, SIGNERS, create_unit_section
from tests.factories import UnitFactory, make_attachment, make_notice, task_list


@pytest.fixture
def make_user(db, django_user_model) -> Callable[..., Any]:
    def make(username: str, *groups: Group | str) -> Any:
        user = django_user_model.objects.create_user(username, "", "secret-pass-123")
        for group in groups:
            user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def login() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def editor(notice_index, make_user) -> Any:
    return make_user("editor", EDITORS)


@pytest.fixture
def reviewer(notice_index, make_user) -> Any:
    return make_user("reviewer", REVIEWERS)


@pytest.fixture
def signer(notice_index, make_user) -> Any:
    return make_user("signer", SIGNERS)


def build_units() -> dict[str, Any]:
    """甲镇 and 乙镇, each with its section and editors' group; 乙镇 has one published notice."""
    town_a, town_b = UnitFactory(name="甲镇"), UnitFactory(name="乙镇")
    group_a, section_a = create_unit_section(town_a)
    group_b, section_b = create_unit_section(town_b)
    return {
        "a": town_a,
        "b": town_b,
        "group_a": group_a,
        "group_b": group_b,
        "section_a": section_a,
        "section_b": section_b,
        "notice_b": make_notice(section_b, title="乙镇2024年度消防工作要点"),
    }


def build_tasks(units: dict[str, Any], notice_index: Any) -> dict[str, Task]:
    """Ledger rows of a published notice, keyed by their first two characters (甲镇, 乙镇, 两镇)."""
    notice = make_notice(notice_index)
    rows = [
        {"task": "甲镇建设微型消防站", "deadline": "2025年底前", "units": [(units["a"], "lead")]},
        {"task": "乙镇打通消防车通道", "deadline": "2025年底前", "units": [(units["b"], "lead")]},
        {"task": "两镇联合开展宣传", "deadline": "每年", "units": [(units["b"], "lead"), (units["a"], "support")]},
    ]
    make_attachment(notice, body=[task_list(rows)])
    return {t.task[:2]: t for t in Task.objects.all()}


@pytest.fixture
def units(notice_index) -> dict[str, Any]:
    return build_units()


@pytest.fixture
def editor_a(units, make_user) -> Any:
    return make_user("editor-a", units["group_a"])


@pytest.fixture
def tasks(units, notice_index) -> dict[str, Task]:
    return build_tasks(units, notice_index)
