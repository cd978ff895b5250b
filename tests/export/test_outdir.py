"""The export's output directories: atomic swap, the lock, recovery after a killed export."""

from __future__ import annotations

import os
from typing import Any

import pytest

import export.outdir
from export.outdir import ExportError, export_lock, remove_stale, replace_dir, tree_size


def test_replace_dir__old_tree_is_restored_when_the_new_one_cannot_move_in(tmp_path, monkeypatch):
    target, new = tmp_path / "site", tmp_path / ".site.build-x"
    target.mkdir()
    (target / "index.html").write_text("旧", encoding="utf-8")
    new.mkdir()
    real_rename = os.rename
    calls = []

    def flaky(src: Any, dst: Any) -> None:
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError("磁盘已满")
        real_rename(src, dst)

    monkeypatch.setattr(export.outdir.os, "rename", flaky)
    with pytest.raises(OSError):
        replace_dir(new, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "旧"


def test_export_lock__a_second_export_of_the_same_site_is_refused(tmp_path):
    with export_lock(tmp_path / "site"), pytest.raises(ExportError, match="另一个导出"), export_lock(tmp_path / "site"):
        pass


def test_remove_stale__a_site_moved_aside_by_a_killed_swap_is_put_back(tmp_path):
    aside = tmp_path / ".site.old-0123456789ab"
    aside.mkdir()
    (aside / "index.html").write_text("上一版", encoding="utf-8")
    (tmp_path / ".site.build-dead").mkdir()
    remove_stale(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "上一版"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_tree_size__a_file_linked_under_two_names_counts_once(tmp_path):
    (tmp_path / "downloads" / "unit-a").mkdir(parents=True)
    (tmp_path / "downloads" / "unit-a.csv").write_bytes(b"x" * 1000)
    os.link(tmp_path / "downloads" / "unit-a.csv", tmp_path / "downloads" / "unit-a" / "甲镇任务台账.csv")
    (tmp_path / "index.html").write_bytes(b"y" * 10)
    assert tree_size(tmp_path) == (3, 1010)
