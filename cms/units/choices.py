"""Kinds of responsible unit, without the models.

Why here: the exporter labels and orders units by kind from the snapshot's
plain data and must not import the unit models; ``models`` re-exports it.
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
