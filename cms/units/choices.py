"""Kinds of responsible unit, levels of jurisdiction, kinds of group and roles, without the models.

Why here: the exporter labels and orders units by kind from the snapshot's
plain data and must not import the unit models; ``models`` re-exports them.
"""

from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    TOWNSHIP = "township", "乡镇"
    STREET = "street", "街道"
    COMMUNITY = "community", "村社区"
    DEPARTMENT = "department", "部门"
    ENTERPRISE = "enterprise", "企业"
    AGENCY = "agency", "机构"


class JurisdictionLevel(models.TextChoices):
    """行政区划 levels (GB/T 2260 covers 省、市、县区; 乡镇街道 and 村社区 follow below)."""

    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县区"
    TOWNSHIP = "township", "乡镇街道"
    VILLAGE = "village", "村社区"


class GroupKind(models.TextChoices):
    """What a collective reference (各乡镇（街道）, 各有关部门 …) stands for.

    The kind says which units of the jurisdiction are natural members, so an
    import can seed a group from the units the document itself lists.
    """

    PLACES = "places", "各乡镇（街道）"
    VILLAGES = "villages", "各村（社区）"
    DEPARTMENTS = "departments", "各有关部门"
    MEMBERS = "members", "安委会各成员单位"
    ENTERPRISES = "enterprises", "各企业"
    OTHER = "other", "其他"


# Kinds of unit each kind of group is seeded with.
GROUP_MEMBER_KINDS: dict[str, tuple[str, ...]] = {
    GroupKind.PLACES: (UnitKind.TOWNSHIP, UnitKind.STREET),
    GroupKind.VILLAGES: (UnitKind.COMMUNITY,),
    GroupKind.DEPARTMENTS: (UnitKind.DEPARTMENT, UnitKind.AGENCY),
    GroupKind.MEMBERS: (UnitKind.DEPARTMENT, UnitKind.AGENCY),
    GroupKind.ENTERPRISES: (UnitKind.ENTERPRISE,),
    GroupKind.OTHER: (),
}


class Role(models.TextChoices):
    """A unit's part in a task. UNSTATED: the source lists units without saying who leads."""

    LEAD = "lead", "牵头"
    SUPPORT = "support", "配合"
    UNSTATED = "unstated", "责任单位"


ROLE_LABELS: dict[str, str] = {str(value): str(label) for value, label in Role.choices}
