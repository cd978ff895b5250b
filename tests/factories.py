"""Factories: small, explicit objects instead of big fixtures."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import factory
import wagtail_factories

from cms.core.blocks import plain_to_richtext
from cms.core.tasks import task_row, unit_ref
from cms.documents.models import AttachmentPage, Disclosure, NoticePage, ResponsibilityLetterPage
from cms.units.models import Unit, UnitAlias, UnitKind

_serial = itertools.count(1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT


class UnitAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitAlias

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"别名{n}")


def paragraph(text: str, level: int = 0) -> dict[str, Any]:
    return {"type": "paragraph", "value": {"level": level, "text": plain_to_richtext(text)}}


def heading(text: str, level: int = 1) -> dict[str, Any]:
    return {"type": "heading", "value": {"level": level, "text": text}}


def list_value(values: list[Any]) -> list[dict[str, Any]]:
    return [{"type": "item", "value": v, "id": str(uuid.uuid4())} for v in values]


def task_list(rows: list[dict[str, Any]], title: str = "") -> dict[str, Any]:
    full_rows = [
        task_row(
            topic=r.get("topic", ""),
            task=r.get("task", ""),
            detail=r.get("detail", ""),
            deadline=r.get("deadline", ""),
            units=list_value([unit_ref(u.pk, u.name, role) for u, role in r.get("units", [])]),
            units_text=r.get("units_text", ""),
        )
        for r in rows
    ]
    return {"type": "task_list", "value": {"title": title, "rows": list_value(full_rows)}}


def target_group(unit: Unit, targets: tuple[str, ...] = ("安装报警器。",)) -> dict[str, Any]:
    """A 个性目标 block naming ``unit``, one item per text (no indicator)."""
    items = list_value([{"text": text, "indicator": ""} for text in targets])
    return {"type": "target_group", "value": {"unit": unit.pk, "unit_name": unit.name, "targets": items}}


def indicator_table(*units: Unit, value: float = 5) -> dict[str, Any]:
    """An indicator table with one column (市政消火栓 新建数) and one row per unit, each holding ``value``."""
    return {
        "type": "indicator_table",
        "value": {
            "title": "",
            "row_header": "单位",
            "columns": list_value([{"group": "市政消火栓", "name": "新建数"}]),
            "rows": list_value([{"unit": u.pk, "unit_name": u.name, "values": [value]} for u in units]),
        },
    }


class DocumentPageFactory(wagtail_factories.PageFactory):
    """A document page under ``parent``, saved with a revision and published unless ``published=False``.

    ``NoticePageFactory(parent=index)`` is a public notice in one line;
    ``body=[paragraph(...), task_list([...])]`` gives it content.
    """

    class Meta:
        abstract = True
        skip_postgeneration_save = True  # the revision hook saves (and publishes) the page itself

    class Params:
        published = True

    # Wagtail's Page.live defaults to True; a page that was never published must not be live.
    live = factory.SelfAttribute("published")
    slug = ""  # DocumentPage derives an ASCII slug; slugify() of a Chinese title would collide
    body = factory.LazyFunction(list)

    @factory.post_generation
    def revision(obj, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        revision = obj.save_revision()
        if obj.live:
            revision.publish()
        obj.refresh_from_db()


class NoticePageFactory(DocumentPageFactory):
    class Meta:
        model = NoticePage

    title = factory.LazyAttribute(lambda o: f"关于下达2024年度安全生产和消防工作目标责任的通知{o.serial}")
    doc_number = factory.LazyAttribute(lambda o: f"测安办〔2024〕{o.serial}号")
    issuer = "测试县人民政府"
    disclosure = Disclosure.PUBLIC
    year = 2024
    body = factory.LazyFunction(lambda: [paragraph("正文内容。")])

    class Params:
        serial = factory.LazyFunction(lambda: next(_serial))


class AttachmentPageFactory(DocumentPageFactory):
    class Meta:
        model = AttachmentPage

    title = "目标责任"
    number = 1


class ResponsibilityLetterPageFactory(DocumentPageFactory):
    class Meta:
        model = ResponsibilityLetterPage

    unit = factory.SubFactory(UnitFactory)
    title = factory.LazyAttribute(lambda o: f"2023年{o.unit.name}消防工作目标责任")


class TaskRowFactory(factory.DictFactory):
    """One row of :func:`task_list` (units as ``[(unit, "lead" | "support"), …]``)."""

    topic = ""
    task = factory.Sequence(lambda n: f"工作任务{n}")
    detail = ""
    deadline = "2024年底前"
    units = factory.LazyFunction(list)


def make_notice(parent, *, publish: bool = True, body: list | None = None, **fields: Any) -> NoticePage:
    return NoticePageFactory(parent=parent, published=publish, body=body or [paragraph("正文内容。")], **fields)


def make_attachment(parent, *, publish: bool = True, body: list | None = None, **fields: Any) -> AttachmentPage:
    return AttachmentPageFactory(parent=parent, published=publish, body=body or [], **fields)


def make_letter(parent, unit: Unit, *, publish: bool = True, body: list | None = None, **fields: Any):
    return ResponsibilityLetterPageFactory(parent=parent, unit=unit, published=publish, body=body or [], **fields)
