"""Hypothesis settings for the fuzz tests: small in CI, large on demand.

The fuzz and property tests run a bounded number of examples so the suite
stays fast.  To fuzz harder (before a release, or after touching a parser),
set ``FUZZ_EXAMPLES``: every fuzz test then runs that many examples instead::

    FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/importer/test_parsing_fuzz.py

Failures print a reproduction blob (``@reproduce_failure``) and are kept in
Hypothesis' local example database, so a rerun replays them first.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["fuzz_settings"]


def fuzz_settings(examples: int = 200, **overrides: object) -> settings:
    """Settings for one fuzz test: ``examples`` by default, ``FUZZ_EXAMPLES`` when set.

    No per-example deadline: parsing a generated 50 kB document on a busy
    shared machine may take a second, which says nothing about a bug.
    """
    wanted = os.environ.get("FUZZ_EXAMPLES", "").strip()
    options: dict[str, object] = {
        "max_examples": int(wanted) if wanted else examples,
        "deadline": None,
        "print_blob": True,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    }
    options.update(overrides)
    return settings(**options)  # type: ignore[arg-type]
