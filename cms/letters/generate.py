"""Generate one draft 目标责任书 per unit from a template letter.

Most letters to towns and departments repeat one template; only the unit's
name and a few numbers differ.  The name is substituted everywhere (title,
paragraphs, target groups, unit references); numbers are kept as written and
listed for the editor to check one by one, because only the editor knows each
unit's targets.  Everything is created as a draft in one transaction, so a
failure leaves no half-made set of letters.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from wagtail.log_actions import log

from cms.core.markdown import escape_html
from cms.documents.models import AttachmentPage, ResponsibilityLetterPage
from cms.units.models import Unit

from .clauses import body_clauses
from .models import LetterOrigin

# Suffixes whose stem is also used on its own in the text (岩前镇人民政府 → 岩前镇).
_NAME_SUFFIXES = ("人民政府", "办事处")
_MEASURE = r"(?:%|％|‰|万元|元|小时|公里|平方米|米|吨|[个支次起人名台条把块家处座辆所项户套部组场期批间天])"
_COMPARATOR = r"(?:不少于|不低于|不超过|不高于|低于|高于|少于|超过|达到|达|至少|控制在)"
_NUMBER = r"\d+(?:\.\d+)?"
# A per-unit value: a number with a measure word or %, or a number after a comparator.
VALUE_RE = re.compile(rf"(?<![\d.A-Za-z])(?:{_COMPARATOR})?{_NUMBER}{_MEASURE}|{_COMPARATOR}{_NUMBER}(?![\d.])")


class LetterGenerationError(Exception):
    """The request cannot be carried out; the message is for the editor."""


@dataclass(frozen=True)
class ValueToCheck:
    clause: str
    value: str
    context: str

    def as_dict(self) -> dict[str, str]:
        return {"clause": self.clause, "value": self.value, "context": self.context}


@dataclass
class GeneratedLetter:
    unit: Unit
    page: ResponsibilityLetterPage
    # Template-name forms that could not be replaced (e.g. the new name contains the old one).
    leftovers: list[str] = field(default_factory=list)


@dataclass
class GenerationResult:
    template: ResponsibilityLetterPage
    attachment: AttachmentPage
    created: list[GeneratedLetter] = field(default_factory=list)
    skipped: list[tuple[Unit, ResponsibilityLetterPage]] = field(default_factory=list)
    values: list[ValueToCheck] = field(default_factory=list)


def name_replacements(old: Unit, new: Unit) -> list[tuple[str, str]]:
    """(old text, new text) pairs, longest first, for putting ``new`` in ``old``'s place."""
    pairs: dict[str, str] = {old.name: new.name}
    for alias in old.aliases.all():
        pairs.setdefault(alias.name, new.name)
    for suffix in _NAME_SUFFIXES:
        if old.name.endswith(suffix) and new.name.endswith(suffix):
            stem = old.name.removesuffix(suffix)
            if len(stem) >= 2:
                pairs.setdefault(stem, new.name.removesuffix(suffix))
    pairs = {key: value for key, value in pairs.items() if key and key != value}
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


def replace_names(text: str, replacements: list[tuple[str, str]]) -> str:
    """One pass, longest match first, so a replaced name is never replaced again."""
    if not replacements or not text:
        return text
    table = dict(replacements)
    # Rich text stores names HTML-escaped; names rarely contain & < > " ' but may.
    for old, new in replacements:
        table.setdefault(escape_html(old), escape_html(new))
    pattern = re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda match: table[match.group(0)], text)


def _rewrite(raw: Any, replacements: list[tuple[str, str]], old_pk: int, new_pk: int) -> Any:
    """Copy of a stored stream value with names replaced, unit links moved, and fresh ids.

    Block and list-item ids are regenerated: task rows are tracked in the
    ledger by id, and a copied id would merge two units' tasks into one.
    """
    if isinstance(raw, list):
        return [_rewrite(item, replacements, old_pk, new_pk) for item in raw]
    if isinstance(raw, dict):
        result: dict[str, Any] = {}
        for key, value in raw.items():
            if key == "id" and isinstance(value, str):
                result[key] = str(uuid.uuid4())
            elif key == "unit" and value == old_pk:
                result[key] = new_pk
            elif key == "type":
                result[key] = value
            else:
                result[key] = _rewrite(value, replacements, old_pk, new_pk)
        return result
    if isinstance(raw, str):
        return replace_names(raw, replacements)
    return raw


def values_to_check(raw_stream: Any) -> list[ValueToCheck]:
    """Numbers in the body that are probably specific to one unit (counts, rates)."""
    found = []
    for clause in body_clauses(raw_stream):
        for match in VALUE_RE.finditer(clause.text):
            start, end = match.span()
            context = clause.text[max(0, start - 18) : min(len(clause.text), end + 12)]
            found.append(ValueToCheck(clause=clause.label, value=match.group(0), context=context.strip()))
    return found


def latest(page: ResponsibilityLetterPage) -> ResponsibilityLetterPage:
    """The content an editor sees in the edit view: the latest revision, draft or not."""
    return page.get_latest_revision_as_object() if page.latest_revision_id else page


def existing_letters(attachment: AttachmentPage) -> dict[int, ResponsibilityLetterPage]:
    return {letter.unit_id: letter for letter in ResponsibilityLetterPage.objects.child_of(attachment)}


def generate_letters(template: ResponsibilityLetterPage, units: Iterable[Unit], user: Any) -> GenerationResult:
    """Create one draft letter per unit under the template's attachment; skip units that have one."""
    attachment = template.get_parent().specific
    if not isinstance(attachment, AttachmentPage):
        raise LetterGenerationError("模板责任书不在附件之下，无法生成。")
    if not attachment.permissions_for_user(user).can_add_subpage():
        raise LetterGenerationError(f"您没有在“{attachment.title}”下新建页面的权限。")
    source = latest(template)
    template_unit = template.unit
    result = GenerationResult(template=template, attachment=attachment, values=values_to_check(source.body.raw_data))
    existing = existing_letters(attachment)
    with transaction.atomic():
        for unit in units:
            if unit.pk in existing:
                result.skipped.append((unit, existing[unit.pk]))
                continue
            replacements = name_replacements(template_unit, unit)
            title = replace_names(source.title, replacements)
            if unit.name not in title:
                title = f"{title}（{unit.name}）"
            body = _rewrite(list(source.body.raw_data), replacements, template_unit.pk, unit.pk)
            page = ResponsibilityLetterPage(
                title=title,
                unit=unit,
                body=copy.deepcopy(body),
                live=False,
                owner=user if getattr(user, "pk", None) else None,
            )
            attachment.add_child(instance=page)
            page.save_revision(user=user if getattr(user, "pk", None) else None, log_action=False)
            log(instance=page, action="wagtail.create", user=user, content_changed=True)
            LetterOrigin.objects.create(
                letter=page,
                template=template,
                template_unit_name=template_unit.name,
                values_to_check=[value.as_dict() for value in result.values],
                user=user if getattr(user, "pk", None) else None,
            )
            text = f"{page.title}\n{page.body_text()}"
            leftovers = [old for old, _ in replacements if old in text and old not in unit.name]
            result.created.append(GeneratedLetter(unit=unit, page=page, leftovers=leftovers))
            existing[unit.pk] = page
    return result
