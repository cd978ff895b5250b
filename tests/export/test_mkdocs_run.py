"""How the export splits a full build between mkdocs processes."""

from __future__ import annotations

import pytest

import export.mkdocs_run
from export.mkdocs_run import SHARD_MIN_PAGES, default_shards, shard_pages


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 1), (3, 2), (8, 2)])
def test_default_shards__one_core_is_left_to_the_ledger_process_and_pagefind(monkeypatch, cores, expected):
    monkeypatch.setattr(export.mkdocs_run.os, "cpu_count", lambda: cores)
    assert default_shards(SHARD_MIN_PAGES * 10) == expected


def test_default_shards__a_small_site_is_one_process_whatever_the_cores(monkeypatch):
    monkeypatch.setattr(export.mkdocs_run.os, "cpu_count", lambda: 8)
    assert default_shards(SHARD_MIN_PAGES - 1) == 1


def test_shard_pages__balances_markdown_size_not_page_count():
    weights = {"units/big.md": 1000, "a.md": 400, "b.md": 300, "c.md": 300}
    sets = shard_pages(weights, 2)
    assert sets == [["units/big.md"], ["a.md", "b.md", "c.md"]]
    assert sorted(path for part in sets for path in part) == sorted(weights)
