"""Merging units: one registry row where documents wrote two names for one unit.

The admin view and the bulk action live in :mod:`cms.units.views`; this
module only says where they are, so models and the import report can offer
a merge without importing views.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse

from .models import Unit


def merge_url(*, keep: Unit, absorb: Iterable[Unit]) -> str:
    """The admin page that merges ``absorb`` into ``keep`` (after a confirmation)."""
    query = urlencode([("keep", keep.pk), *(("absorb", unit.pk) for unit in absorb)])
    return f"{reverse('units_merge')}?{query}"
