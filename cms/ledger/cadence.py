"""The configured rhythm of check-ins for ongoing items, read from settings only.

Kept apart from :mod:`cms.ledger.sync` (which queries models) so that the
exporter's ledgers use the same setting without reaching into the database layer.
"""

from __future__ import annotations

from django.conf import settings

from cms.ledger.schedule import DEFAULT_ONGOING_CADENCE


def ongoing_cadence() -> str:
    """How often ongoing items (长期坚持, 持续推进) are checked on: settings.LEDGER_ONGOING_CADENCE."""
    return getattr(settings, "LEDGER_ONGOING_CADENCE", DEFAULT_ONGOING_CADENCE)
