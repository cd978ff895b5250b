"""Factories: small, explicit objects instead of big fixtures."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import factory

from cms.core.blocks import plain_to_richtext
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
        {
            "topic": r.get("topic", ""),
            "task": r.get("task", ""),
            "detail": r.get("detail", ""),
            "deadline": r.get("deadline", ""),
            "units": list_value(
                [{"unit": u.pk, "name": u.name, "role": role, "division": ""} for u, role in r.get("units", [])]
            ),
            "units_text": r.get("units_text", ""),
        }
        for r in rows
    ]
    return {"type": "task_list", "value": {"title": title, "rows": list_value(full_rows)}}


def make_notice(parent, *, publish: bool = True, body: list | None = None, **fields: Any) -> NoticePage:
    n = next(_serial)
    fields.setdefault("title", f"关于下达2024年度安全生产和消防工作目标责任的通知{n}")
    fields.setdefault("doc_number", f"测安办〔2024〕{n}号")
    fields.setdefault("issuer", "测试县人民政府")
    fields.setdefault("disclosure", Disclosure.PUBLIC)
    fields.setdefault("year", 2024)
    # Wagtail's Page.live defaults to True; a page that was never published must not be live.
    fields.setdefault("live", publish)
    notice = NoticePage(body=body or [paragraph("正文内容。")], **fields)
    parent.add_child(instance=notice)
    revision = notice.save_revision()
    if publish:
        revision.publish()
    notice.refresh_from_db()
    return notice


def make_attachment(parent, *, publish: bool = True, body: list | None = None, **fields: Any) -> AttachmentPage:
    fields.setdefault("title", "目标责任")
    fields.setdefault("number", 1)
    fields.setdefault("live", publish)
    page = AttachmentPage(body=body or [], **fields)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_letter(parent, unit: Unit, *, publish: bool = True, body: list | None = None, **fields: Any):
    fields.setdefault("title", f"2023年{unit.name}消防工作目标责任")
    fields.setdefault("live", publish)
    page = ResponsibilityLetterPage(unit=unit, body=body or [], **fields)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page
