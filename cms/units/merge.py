"""Merging units: one registry row where documents wrote two names for one unit.

The admin view and the bulk action live in :mod:`cms.units.views`; this
module holds the service they call (:func:`merge_units`) and says where the
view is (:func:`merge_url`), so models and the import report can offer a
merge without importing views.

Nothing may be lost: every row that points at an absorbed unit points at the
kept one afterwards, in the live pages *and* in every stored revision (a
later publish of an old draft must not bring an absorbed pk back), and the
absorbed names become aliases so future imports resolve to the kept unit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from wagtail.fields import StreamField
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from cms.core.tasks import replace_unit_refs
from cms.documents.models import NoticePage, ResponsibilityLetterPage
from cms.ledger.models import TaskProgress, TaskUnit
from cms.ledger.sync import sync_page_tasks
from cms.workflow.models import UnitEditorScope

from .choices import Role
from .models import Unit, UnitAlias, UnitGroup

MERGE_ACTION = "units.merge"

# A stronger link wins when both units carried the same task.
_ROLE_RANK: dict[str, int] = {Role.LEAD.value: 3, Role.SUPPORT.value: 2, Role.UNSTATED.value: 1}


def merge_url(*, keep: Unit, absorb: Iterable[Unit]) -> str:
    """The admin page that merges ``absorb`` into ``keep`` (after a confirmation)."""
    query = urlencode([("keep", keep.pk), *(("absorb", unit.pk) for unit in absorb)])
    return f"{reverse('units_merge')}?{query}"


@dataclass
class MergeResult:
    """What moved; the admin shows it and the history entry stores it."""

    keep: Unit
    absorbed_names: list[str] = field(default_factory=list)
    aliases: int = 0
    tasks: int = 0
    progress: int = 0
    letters: int = 0
    groups: int = 0
    notices: int = 0
    children: int = 0
    scopes: int = 0
    page_refs: int = 0
    revisions: int = 0

    def counts(self) -> dict[str, int]:
        """Every count field, for the history entry (adding a field adds it there too)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type in (int, "int")}


@dataclass
class MergePreview:
    """What a merge would move, counted before anything is changed (the confirmation page)."""

    tasks: int
    letters: int
    progress: int
    groups: int
    notices: int
    aliases: list[str]


def preview_merge(keep: Unit, absorbed: list[Unit]) -> MergePreview:
    pks = [unit.pk for unit in absorbed]
    return MergePreview(
        tasks=TaskUnit.objects.filter(unit__in=pks).values("task").distinct().count(),
        letters=ResponsibilityLetterPage.objects.filter(unit__in=pks).count(),
        progress=TaskProgress.objects.filter(unit__in=pks).count(),
        groups=UnitGroup.objects.filter(members__in=pks).distinct().count(),
        notices=NoticePage.objects.filter(addressee_units__in=pks).distinct().count(),
        aliases=_new_alias_names(keep, absorbed),
    )


def _new_alias_names(keep: Unit, absorbed: list[Unit]) -> list[str]:
    have = {keep.name, *keep.aliases.values_list("name", flat=True)}
    names: list[str] = []
    for unit in absorbed:
        for name in [unit.name, *unit.aliases.values_list("name", flat=True)]:
            if name not in have:
                have.add(name)
                names.append(name)
    return names


def body_page_models() -> list[type[Page]]:
    """Concrete page types with a ``body`` stream: where task rows, 个性目标 and indicator rows are stored."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page)
        and any(f.name == "body" and isinstance(f, StreamField) for f in model._meta.get_fields())
    ]


def _rewrite_body_value(value: Any, mapping: dict[int, int]) -> tuple[Any, int]:
    """A body as stored in a revision (a JSON string or a list), rewritten."""
    if isinstance(value, str):
        try:
            raw = json.loads(value) if value else []
        except ValueError:
            return value, 0
        new, count = replace_unit_refs(raw, mapping)
        return (json.dumps(new, ensure_ascii=False), count) if count else (value, 0)
    if isinstance(value, list):
        return replace_unit_refs(value, mapping)
    return value, 0


def _rewrite_revision(content: dict[str, Any], mapping: dict[int, int], keep_pk: int) -> int:
    """Rewrite one revision's content in place; returns the number of references moved."""
    moved = 0
    if "body" in content:
        content["body"], count = _rewrite_body_value(content["body"], mapping)
        moved += count
    if content.get("unit") in mapping:
        content["unit"] = keep_pk
        moved += 1
    addressees = content.get("addressee_units")
    if isinstance(addressees, list) and any(pk in mapping for pk in addressees):
        out: list[Any] = []
        for pk in addressees:
            new = mapping.get(pk, pk)
            if new not in out:
                out.append(new)
        content["addressee_units"] = out
        moved += 1
    return moved


def _move_m2m(through: Any, owner: str, target: str, keep: Unit, pks: list[int]) -> set[int]:
    """Point ``through`` rows at ``keep`` (one row per owner); returns the owners that changed."""
    owners = set(through.objects.filter(**{f"{target}__in": pks}).values_list(f"{owner}_id", flat=True))
    have = set(
        through.objects.filter(**{target: keep, f"{owner}_id__in": owners}).values_list(f"{owner}_id", flat=True)
    )
    through.objects.bulk_create([through(**{f"{owner}_id": o, target: keep}) for o in owners - have])
    through.objects.filter(**{f"{target}__in": pks}).delete()
    return owners


@transaction.atomic
def merge_units(keep: Unit, absorbed: list[Unit], user: Any = None) -> MergeResult:
    """Merge ``absorbed`` into ``keep``: every reference moves, names become aliases, absorbed rows go.

    The merge is written to Wagtail's log on ``keep`` (action ``units.merge``)
    so it shows in the unit's 历史 in the snippet admin.
    """
    absorbed = [unit for unit in dict.fromkeys(absorbed) if unit.pk != keep.pk]
    if not absorbed:
        raise ValueError("至少需要一个要并入的单位。")
    pks: list[int] = [unit.pk for unit in absorbed]
    mapping: dict[int, int] = dict.fromkeys(pks, int(keep.pk))
    result = MergeResult(keep=keep, absorbed_names=[unit.name for unit in absorbed])

    # Names: the absorbed names and their aliases resolve to the kept unit from now on.
    new_names = _new_alias_names(keep, absorbed)
    UnitAlias.objects.filter(unit__in=pks).delete()
    UnitAlias.objects.bulk_create([UnitAlias(unit=keep, name=name) for name in new_names])
    result.aliases = len(new_names)

    # Ledger links: one per (task, unit); the stronger role and a direct link win.
    kept_links = {link.task_id: link for link in TaskUnit.objects.filter(unit=keep)}
    for link in TaskUnit.objects.filter(unit__in=pks).order_by("pk"):
        result.tasks += 1
        existing = kept_links.get(link.task_id)
        if existing is None:
            link.unit = keep
            link.save(update_fields=["unit"])
            kept_links[link.task_id] = link
            continue
        if _ROLE_RANK.get(link.role, 0) > _ROLE_RANK.get(existing.role, 0):
            existing.role = link.role
        if link.via_group_id is None:
            existing.via_group = None
        existing.save(update_fields=["role", "via_group"])
        link.delete()

    result.progress = TaskProgress.objects.filter(unit__in=pks).update(unit=keep)
    result.scopes = UnitEditorScope.objects.filter(unit__in=pks).update(unit=keep)

    letter_pks = list(ResponsibilityLetterPage.objects.filter(unit__in=pks).values_list("pk", flat=True))
    result.letters = ResponsibilityLetterPage.objects.filter(pk__in=letter_pks).update(unit=keep)

    members = UnitGroup._meta.get_field("members").remote_field.through
    result.groups = len(_move_m2m(members, "unitgroup", "unit", keep, pks))
    addressees = NoticePage._meta.get_field("addressee_units").remote_field.through
    notice_pks = _move_m2m(addressees, "noticepage", "unit", keep, pks)
    result.notices = len(notice_pks)

    if keep.parent_id in pks:
        keep.parent = None
        keep.save(update_fields=["parent"])
    result.children = Unit.objects.filter(parent__in=pks).update(parent=keep)

    # Page bodies: the live rows, then every revision of every page type with a body.
    changed_pages: set[int] = set(letter_pks) | notice_pks
    content_types = []
    for model in body_page_models():
        content_types.append(ContentType.objects.get_for_model(model))
        for pk, body in model._base_manager.values_list("pk", "body").iterator():
            raw = body.raw_data if hasattr(body, "raw_data") else body
            new, count = replace_unit_refs(list(raw or []), mapping)
            if count:
                model._base_manager.filter(pk=pk).update(body=new)
                result.page_refs += count
                changed_pages.add(pk)
    for revision in Revision.objects.filter(content_type__in=content_types).iterator():
        content = revision.content
        if isinstance(content, dict) and _rewrite_revision(content, mapping, keep.pk):
            Revision.objects.filter(pk=revision.pk).update(content=content)
            result.revisions += 1

    for unit in absorbed:
        unit.delete()

    # The derived ledger rows of live pages follow the rewritten bodies.
    for page in Page.objects.filter(pk__in=changed_pages, live=True).specific():
        sync_page_tasks(page)

    log(
        instance=keep,
        action=MERGE_ACTION,
        user=user,
        data={"absorbed": result.absorbed_names, "counts": result.counts()},
    )
    return result
