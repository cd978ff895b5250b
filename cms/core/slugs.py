"""ASCII slugs for Chinese titles.

Public URLs must stay ASCII and stable; a Chinese title has no ASCII letters
to slugify, so a short content hash stands in, prefixed by the page kind.
"""

from __future__ import annotations

import hashlib

from django.db.models import Model
from django.utils.text import slugify


def ascii_slug(text: str, prefix: str) -> str:
    base = slugify(text, allow_unicode=False)[:40].strip("-")
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{prefix}-{base}-{digest}" if base else f"{prefix}-{digest}"


def unique_ascii_slug(text: str, model: type[Model], prefix: str, field: str = "slug") -> str:
    slug = candidate = ascii_slug(text, prefix)
    n = 2
    while model._default_manager.filter(**{field: candidate}).exists():
        candidate = f"{slug}-{n}"
        n += 1
    return candidate
