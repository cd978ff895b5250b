"""What the ledger's admin index shows for an item."""

from __future__ import annotations

import pytest

from cms.ledger.models import Task
from tests.factories import UnitFactory, make_notice, task_list

pytestmark = pytest.mark.django_db


def test_task_unit_summary__names_the_units_under_their_role_labels(notice_index) -> None:
    lead, support, unstated = UnitFactory(name="甲局"), UnitFactory(name="乙局"), UnitFactory(name="丙局")
    units = [(lead, "lead"), (support, "support"), (unstated, "unstated")]
    notice = make_notice(notice_index, body=[task_list([{"task": "巡查", "units": units}])])
    assert Task.objects.get(notice=notice).unit_summary() == "牵头：甲局；配合：乙局；责任单位：丙局"
