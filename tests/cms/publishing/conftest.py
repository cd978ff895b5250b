"""Fixtures for the background export: throwaway site directories and an in-process worker."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def site_dirs(settings, tmp_path: Path) -> tuple[Path, Path]:
    """(out, src) in a temp dir: the export under test never touches the project's site/."""
    out, src = tmp_path / "site", tmp_path / "site_src"
    settings.SITE_OUTPUT_DIR = out
    settings.SITE_SOURCE_DIR = src
    return out, src
