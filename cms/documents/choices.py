"""The document model's choice lists, without the models.

Why a module of their own: the visibility rules (:mod:`cms.documents.visibility`)
and plain-data code need the values and labels, and must not import the page
models (which import them back).  ``models`` re-exports every name here.
"""

from __future__ import annotations

from django.db import models


class Disclosure(models.TextChoices):
    PUBLIC = "public", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    NOT_PUBLIC = "not_public", "不予公开"


DEFAULT_DISCLOSURE_WORDING = {
    Disclosure.PUBLIC: "此件主动公开",
    Disclosure.ON_REQUEST: "此件依申请公开",
    Disclosure.NOT_PUBLIC: "此件不予公开",
}


class Topic(models.TextChoices):
    SAFETY = "safety", "安全生产"
    FIRE = "fire", "消防"
    BOTH = "both", "安全生产和消防"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"


class AttachmentKind(models.TextChoices):
    TARGETS = "targets", "目标责任"
    LETTERS = "letters", "目标责任书"
    PLAN = "plan", "实施方案"
    TASKS = "tasks", "任务清单"
    OTHER = "other", "其他"
