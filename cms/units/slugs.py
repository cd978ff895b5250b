"""Readable, stable ASCII addresses for unit pages: 池店镇 → chi-dian-zhen.

Why pinyin: citizens and inspectors read and share these URLs; a hash says
nothing. The slug is made once, when the unit is created, and kept when the
unit is renamed, so links stay valid. A name already taken elsewhere gets
its jurisdiction's pinyin appended (gong-an-fen-ju-bai-qi-hui-zu-xiang).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pypinyin import lazy_pinyin

if TYPE_CHECKING:
    from .models import Unit

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 72


def pinyin_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; empty when the text has no letters or Han."""
    words = lazy_pinyin(text or "", errors="default")  # letters and digits kept as written
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return slug[:MAX_SLUG].strip("-")


def unit_slug(unit: Unit) -> str:
    """A slug no other unit has: the name, then the jurisdiction, then a number."""
    from .models import Unit  # the model module imports this one when it saves

    taken = Unit.objects.exclude(pk=unit.pk)
    base = pinyin_slug(unit.name) or "unit"
    if taken.filter(slug=base).exists() and unit.jurisdiction is not None:
        base = f"{base}-{pinyin_slug(unit.jurisdiction.name)}"[:MAX_SLUG].strip("-")
    candidate, n = base, 2
    while taken.filter(slug=candidate).exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate
