"""``manage.py create_unit_section 单位名 …``: give units their own section and editors' group.

A command rather than an admin screen: setting up a unit is a one-off act of
the administrator, who then adds people to ``编辑-<单位>`` in 设置 → 用户.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cms.units.lookup import resolve_unit
from cms.workflow.setup import create_unit_section


class Command(BaseCommand):
    help = "为责任单位建立本单位公文栏目和“编辑-单位名”用户组（只能编辑本栏目、填报本单位任务进展）；可重复执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("units", nargs="+", help="单位名称或别名")

    def handle(self, *args: Any, **options: Any) -> None:
        matches = [resolve_unit(name) for name in options["units"]]
        missing = [m for m in matches if not m.found]
        if missing:
            raise CommandError("；".join(f"{m.written}：{m.reason}" for m in missing))
        for unit in [m.unit for m in matches if m.unit is not None]:
            group, section = create_unit_section(unit)
            self.stdout.write(f"{unit.name}：栏目“{section.title}”，用户组“{group.name}”")
