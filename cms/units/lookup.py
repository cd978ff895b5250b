"""Resolve a unit name as written in a document to the registry.

The importer, the ledgers and the public site all go through
:func:`resolve_unit`, so a name that resolves in one place resolves everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Unit, UnitAlias, UnitGroup

_WIDTH = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": "", "\t": ""})
# A trailing bracket that names a sub-division: 区环境与国土资源局（海洋）.
_DIVISION = re.compile(r"^(?P<name>.+?)（(?P<division>[^（）]+)）$")


def normalise_name(text: str) -> str:
    """Full-width brackets, no spaces: the form names are compared in."""
    return text.strip().translate(_WIDTH)


@dataclass(frozen=True)
class UnitMatch:
    unit: Unit | None
    written: str
    division: str = ""
    via: str = ""  # "name" | "alias" | "division" | ""
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.unit is not None


def resolve_unit(written: str) -> UnitMatch:
    """Find the unit a written name means, or say why not.

    Tried in order: the exact name, an alias, then the name without a trailing
    bracketed sub-division (kept in ``division``), so ``区环境与国土资源局（海洋）``
    resolves to 区环境与国土资源局 when no unit carries the longer name.
    """
    name = normalise_name(written)
    if not name:
        return UnitMatch(None, written, reason="单位名称为空")
    candidates = [(name, "", "name")]
    match = _DIVISION.match(name)
    if match:
        candidates.append((match["name"], match["division"], "division"))
    for candidate, division, via in candidates:
        unit = Unit.objects.filter(name=candidate).first()
        if unit is None:
            alias = UnitAlias.objects.select_related("unit").filter(name=candidate).first()
            unit = alias.unit if alias else None
            via = via if via == "division" or alias is None else "alias"
        if unit is not None:
            return UnitMatch(unit, written, division=division, via=via)
    return UnitMatch(None, written, reason=f"单位库中没有“{name}”，也没有以它为别名的单位")


def find_group(written: str) -> UnitGroup | None:
    """The one group whose name or a recorded spelling is ``written`` (an editor's typed 各乡镇（街道）…).

    Without a document's jurisdiction to choose by, a spelling recorded for
    groups of several jurisdictions is ambiguous and finds nothing.
    """
    name = normalise_name(written)
    if not name:
        return None
    found = {group.pk: group for group in UnitGroup.objects.filter(name=name)}
    for group in UnitGroup.objects.filter(spellings__contains=name):
        if name in group.spelling_list():
            found[group.pk] = group
    return next(iter(found.values())) if len(found) == 1 else None
