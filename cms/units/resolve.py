"""Resolve the unit names a document writes, in the document's jurisdiction.

Names are unique per jurisdiction, so the same words mean different units in
different places: 晋江's 市公安局 is not 石狮's. A name is looked up where the
document was issued, then up that jurisdiction's chain (乡 → 区/县 → 市),
never sideways; spellings of one unit (区公安分局 / 公安分局) meet through
:func:`cms.units.naming.match_key`. Collective references (各乡镇（街道）,
乡直有关部门 …) are groups, not units. A name found nowhere becomes a 待确认
unit where its level prefix points (区X → the 区), unless it is not a unit name
at all (a fragment, a run-on list): then nothing is created and the caller
keeps the text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cms.units import naming
from cms.units.choices import GroupKind
from cms.units.lookup import normalise_name
from cms.units.models import Jurisdiction, Unit, UnitAlias, UnitGroup

__all__ = ["Resolution", "UnitResolver", "jurisdiction_for"]

# A trailing bracket that names a sub-division: 区环境与国土资源局（海洋）.
_DIVISION = re.compile(r"^(?P<name>.+?)（(?P<division>[^（）]+)）$")

# Which chain member a level prefix points to: 区X → the nearest jurisdiction named …区 (or …县).
_PREFIX_SUFFIXES: dict[str, tuple[str, ...]] = {
    "省": ("省",),
    "市": ("市",),
    "区": ("区", "县"),
    "县": ("县", "区"),
    "乡": ("乡", "镇"),
    "镇": ("镇", "乡"),
}


def jurisdiction_for(issuer: str, title: str = "") -> Jurisdiction | None:
    """The issuer's jurisdiction, with the chain above it, created as needed.

    The places come from the issuer (厦门市集美区人民政府集美街道办事处 →
    厦门市 › 集美区 › 集美街道), else from the title; None when neither names
    one. An outermost place that already exists once anywhere is reused, so
    集美区人民政府 later lands in the 集美区 under 厦门市, not in a second one.
    """
    chain = naming.place_chain(issuer or "") or naming.place_chain(title or "")
    if not chain:
        return None
    parent: Jurisdiction | None = None
    for index, (name, level) in enumerate(chain):
        if index == 0:
            existing = list(Jurisdiction.objects.filter(name=name)[:2])
            if len(existing) == 1:
                parent = existing[0]
                continue
        parent, _ = Jurisdiction.objects.get_or_create(name=name, parent=parent, defaults={"level": level})
    return parent


@dataclass
class Resolution:
    """What a written name means: one unit, or a group, or nothing (with the reason)."""

    unit: Unit | None = None
    group: UnitGroup | None = None
    division: str = ""
    created: bool = False
    reason: str = ""
    written: str = ""

    @property
    def found(self) -> bool:
        return self.unit is not None or self.group is not None


@dataclass
class _Scope:
    """The units of one jurisdiction by name, alias and match key (read once per resolver)."""

    by_name: dict[str, Unit] = field(default_factory=dict)
    by_alias: dict[str, Unit] = field(default_factory=dict)
    by_key: dict[str, Unit] = field(default_factory=dict)

    def add(self, unit: Unit) -> None:
        self.by_name.setdefault(unit.name, unit)
        self.by_key.setdefault(naming.match_key(unit.name), unit)

    def add_alias(self, name: str, unit: Unit) -> None:
        self.by_alias.setdefault(name, unit)
        self.by_key.setdefault(naming.match_key(name), unit)


class UnitResolver:
    """Resolves names for one document (or one editor's form); cached, so a name costs one lookup.

    ``create=False`` only looks up: nothing is written (the editor's form uses it).
    """

    def __init__(self, jurisdiction: Jurisdiction | None, *, create: bool = True) -> None:
        self.jurisdiction = jurisdiction
        self.create = create
        self.chain: list[Jurisdiction | None] = list(jurisdiction.chain()) if jurisdiction else [None]
        self._scopes: dict[int | None, _Scope] = {}
        self._cache: dict[str, Resolution] = {}
        self.created_units: list[Unit] = []
        self.created_groups: list[UnitGroup] = []
        self.groups: dict[int, UnitGroup] = {}  # every group this resolver resolved to

    # --- where ---------------------------------------------------------------

    def target(self, prefix: str) -> Jurisdiction | None:
        """The chain member a level prefix (市/区/县/乡/镇) points to; the document's own by default."""
        suffixes = _PREFIX_SUFFIXES.get(prefix or "")
        if suffixes:
            for member in self.chain:
                if member is not None and member.name.endswith(suffixes):
                    return member
        return self.jurisdiction

    def _scope(self, jurisdiction: Jurisdiction | None) -> _Scope:
        key = jurisdiction.pk if jurisdiction else None
        scope = self._scopes.get(key)
        if scope is None:
            scope = _Scope()
            for unit in Unit.objects.filter(jurisdiction=jurisdiction).order_by("pk"):
                scope.add(unit)
            aliases = UnitAlias.objects.filter(unit__jurisdiction=jurisdiction).select_related("unit").order_by("pk")
            for alias in aliases:
                scope.add_alias(alias.name, alias.unit)
            self._scopes[key] = scope
        return scope

    # --- resolving -----------------------------------------------------------

    def resolve(self, written: str) -> Resolution:
        name = normalise_name(written or "")
        if name in self._cache:
            cached = self._cache[name]
            return Resolution(cached.unit, cached.group, cached.division, False, cached.reason, written)
        result = self._resolve(name)
        result.written = written
        self._cache[name] = result
        return result

    def _resolve(self, name: str) -> Resolution:
        if not name:
            return Resolution(reason="单位名称为空")
        kind = naming.collective_kind(name)
        if kind is not None:
            return self._group(name, kind)
        found = self._lookup(name)
        if found is not None:
            return found
        if not naming.is_valid_unit_name(name):
            return Resolution(reason=f"“{name}”不是单个单位的名称，按原文保留，未建入单位库")
        if not self.create:
            return Resolution(reason=f"单位库中没有“{name}”，也没有以它为别名的单位")
        prefix, _ = naming.level_prefix(name)
        where = self.target(prefix)
        unit, created = Unit.objects.get_or_create(
            jurisdiction=where, name=name[:120], defaults={"kind": naming.infer_kind(name), "needs_review": True}
        )
        if created:
            self.created_units.append(unit)
        self._scope(where).add(unit)
        return Resolution(unit=unit, created=created)

    def _lookup(self, name: str) -> Resolution | None:
        """Exact name, alias, match key; nearest jurisdiction first; a trailing division falls back."""
        candidates = [(name, "")]
        match = _DIVISION.match(name)
        if match:
            candidates.append((match["name"], match["division"]))
        for member in self.chain:
            scope = self._scope(member)
            for candidate, division in candidates:
                unit = scope.by_name.get(candidate) or scope.by_alias.get(candidate)
                if unit is None:
                    unit = scope.by_key.get(naming.match_key(candidate))
                if unit is not None:
                    return Resolution(unit=unit, division=division)
        return None

    def _group(self, name: str, kind: str) -> Resolution:
        prefix, _ = naming.level_prefix(name)
        where = self.target(prefix)
        groups = UnitGroup.objects.filter(jurisdiction=where, kind=kind).order_by("pk")
        canonical = naming.group_name(name, kind)
        group = groups.filter(name=canonical).first() or next(
            (candidate for candidate in groups if name in candidate.spelling_list()), None
        )
        if group is None and kind != GroupKind.MEMBERS:
            # an editor may have renamed the jurisdiction's only group of this kind
            group = groups.first()
        if group is None:
            if not self.create:
                return Resolution(reason=f"单位组“{canonical}”尚未建立")
            group = UnitGroup(jurisdiction=where, kind=kind, name=canonical)
            group.add_spelling(name)
            group.save()
            self.created_groups.append(group)
        elif self.create and name != group.name and name not in group.spelling_list():
            group.add_spelling(name)
            group.save(update_fields=["spellings"])
        self.groups[group.pk] = group
        return Resolution(group=group)
