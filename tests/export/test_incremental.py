"""Incremental exports are byte-identical to full ones, and nothing non-public survives in them.

The property test builds a small corpus with the factories, then runs seeded
chains of random edits on its snapshot (text, titles, years, issuers,
topics, tasks and their units, publication dates, unit names, unpublishing
a notice, deleting an attachment or a letter, republishing, switching
公开任务进展 and so the units' calendars).  After each
edit sequence the same output directory is exported incrementally and a
fresh directory in full with one plain ``mkdocs build``; every file must be
byte-identical.  Real MkDocs throughout, so these tests are slow.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import export.build
import export.incremental
from cms.documents.models import Disclosure
from cms.documents.setup import ensure_site_structure
from export.build import export_site
from export.downloads import Ledger
from export.incremental import (
    ExportState,
    ReuseFailed,
    fingerprint,
    ledger_digests,
    link_files,
    load_state,
    save_state,
    site_identity,
    state_path,
)
from export.search_index import BUNDLE_DIR, LETTERS_DIR
from export.serving import CSP_FILE
from export.snapshot import take_snapshot
from tests.export.sitecheck import readable, site_files, tree_digest
from tests.factories import UnitFactory, make_attachment, make_letter, make_notice, paragraph, task_list

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Sequences compared (chains x rounds): 10 in CI; INCREMENTAL_SEQUENCES=50 (or more) for the soak.
SEQUENCES = int(os.environ.get("INCREMENTAL_SEQUENCES", "10"))
ROUNDS_PER_CHAIN = 5


def _corpus() -> None:
    """Three notices over two years, two issuers and both topics; tasks, a letter and targets for units."""
    index = ensure_site_structure()
    units = [UnitFactory(name=name) for name in ("增量测试应急管理局", "增量测试消防救援大队", "增量测试东石镇")]
    for n, (year, issuer, topic) in enumerate(
        [(2024, "测试县人民政府", "safety"), (2024, "测试县安全生产委员会", "fire"), (2023, "测试县人民政府", "both")]
    ):
        notice = make_notice(
            index,
            year=year,
            issuer=issuer,
            topic=topic,
            body=[paragraph(f"第{n}份通知正文。")],
            written_date=None,
            publish_progress=n != 1,  # units' calendars (.ics) from two of the three
        )
        rows = [
            {"task": f"任务{n}-{k}", "detail": "细化内容", "deadline": "2024年底前", "units": [(units[k % 3], "lead")]}
            for k in range(3)
        ]
        make_attachment(notice, title="重点项目清单", number=1, body=[task_list(rows)])
        letters = make_attachment(notice, title="目标责任书", number=2, slug=f"letters-{n}")
        make_letter(letters, units[2], title=f"{year}年东石镇目标责任书{n}", body=[paragraph("责任书正文。")])


def _documents(notice: dict[str, Any]) -> list[dict[str, Any]]:
    out = [notice]
    for attachment in notice.get("attachments", []):
        out += _documents(attachment)
        out += attachment.get("letters", [])
    return out


def _task_rows(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        row["value"]
        for notice in snapshot["notices"]
        for record in _documents(notice)
        for block in record.get("body") or []
        if block["type"] == "task_list"
        for row in block["value"]["rows"]
    ]


EDITS = (
    "text",
    "title",
    "year",
    "issuer",
    "topic",
    "task",
    "task_unit",
    "date",
    "unit_name",
    "unpublish",
    "delete_attachment",
    "delete_letter",
    "republish",
    "publish_progress",
)


def _edit(rng: random.Random, snapshot: dict[str, Any], base: dict[str, Any], step: str) -> None:
    """One random edit of the public content (the snapshot is all the exporter sees)."""
    notices = snapshot["notices"]
    kind = rng.choice(EDITS)
    if not notices or kind == "republish":
        missing = [n for n in base["notices"] if n["id"] not in {m["id"] for m in notices}]
        if missing:
            notices.append(copy.deepcopy(rng.choice(missing)))
            notices.sort(key=lambda n: n["id"])
        return
    notice = rng.choice(notices)
    if kind == "text":
        record = rng.choice(_documents(notice))
        record["body"] = [*(record.get("body") or []), paragraph(f"修改{step}")]
    elif kind == "title":
        notice["title"] += f"（修订{step}）"
    elif kind == "year":
        notice["year"] = rng.choice([2022, 2023, 2024, None])
    elif kind == "issuer":
        notice["issuer"] = rng.choice(["测试县人民政府", "测试县安全生产委员会", "测试县消防安全委员会", ""])
    elif kind == "topic":
        notice["topic"] = rng.choice(["safety", "fire", "both"])
    elif kind in {"task", "task_unit"} and (rows := _task_rows(snapshot)):
        row = rng.choice(rows)
        if kind == "task":
            row["task"] += f"（调整{step}）"
        else:
            unit = rng.choice(snapshot["units"])
            row["units"][0]["value"].update(unit=unit["id"], name=unit["name"])
    elif kind == "date":
        notice["last_published_at"] = f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:00:00+08:00"
    elif kind == "publish_progress":
        # 公开任务进展 switched: the units' calendars gain or lose the notice's items (or appear, or go).
        notice["publish_progress"] = not notice.get("publish_progress")
    elif kind == "unit_name":
        unit = rng.choice(snapshot["units"])
        unit["name"] += step
    elif kind == "unpublish":
        notices.remove(notice)
    elif kind == "delete_attachment" and notice["attachments"]:
        notice["attachments"].pop(rng.randrange(len(notice["attachments"])))
    elif kind == "delete_letter":
        for attachment in notice["attachments"]:
            if attachment["letters"]:
                attachment["letters"].pop()
                break


@pytest.fixture
def base_snapshot() -> dict[str, Any]:
    _corpus()
    return take_snapshot()


def test_export_site__incremental_is_byte_identical_to_full_over_random_edit_sequences(
    base_snapshot, tmp_path, monkeypatch
):
    # Always incremental, however much of this small site an edit touches (the limit is a speed choice).
    monkeypatch.setattr(export.incremental, "INCREMENTAL_LIMIT", 1.0)
    src = tmp_path / "src"
    compared = incremental = 0
    said: list[str] = []  # why an export was not incremental after all, when one was not
    chains = max(1, SEQUENCES // ROUNDS_PER_CHAIN)
    for chain in range(chains):
        rng = random.Random(1700 + chain)
        snapshot = copy.deepcopy(base_snapshot)
        out = tmp_path / f"chain-{chain}"
        export_site(out, src, snapshot=copy.deepcopy(snapshot), shards=1)
        for round_ in range(ROUNDS_PER_CHAIN):
            for edit in range(rng.randint(1, 3)):
                _edit(rng, snapshot, base_snapshot, f"{chain}.{round_}.{edit}")
            result = export_site(out, src, snapshot=copy.deepcopy(snapshot), progress=said.append)
            if not result.incremental:
                said.append(f"chain {chain}, round {round_}: full")
            reference = tmp_path / "full"
            shutil.rmtree(reference, ignore_errors=True)
            export_site(reference, tmp_path / "src-full", snapshot=copy.deepcopy(snapshot), full=True, shards=1)
            assert tree_digest(out) == tree_digest(reference), f"chain {chain}, round {round_}"
            compared += 1
            incremental += result.incremental
    assert compared >= SEQUENCES
    # Every round must really have taken the incremental path (else the comparison proves nothing).
    assert incremental == compared, [line for line in said if "全量" in line or "full" in line]


def test_export_site__sharded_full_build_is_byte_identical_to_one_mkdocs_process(base_snapshot, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    export_site(one, tmp_path / "src1", snapshot=base_snapshot, full=True, shards=1)
    result = export_site(two, tmp_path / "src2", snapshot=base_snapshot, full=True, shards=2)
    assert result.shards == 2 and not result.incremental
    assert tree_digest(one) == tree_digest(two)


def test_export_site__incremental_rebuilds_only_changed_pages_and_links_the_rest(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    # Theme files, the sitemap and 404 are written anew by every build.
    # The search bundles (pagefind*/, checked below), the serving files (.gz beside text files, nginx-*.conf,
    # the ledgers' named links downloads/<stem>/<中文名>) and robots.txt are written by every export.
    reusable = [
        p
        for p in tree_digest(out)
        if not p.startswith(("assets/", "pagefind", "sitemap.xml", "404.html", "nginx-", "robots.txt"))
        and not p.endswith(".gz")
        and not (p.startswith("downloads/") and p.count("/") == 2)
    ]
    notices = sorted((out / "notices").glob("*.html"))
    untouched = notices[-1]
    before = untouched.stat().st_ino
    packed = untouched.with_name(untouched.name + ".gz")
    packed_before = packed.stat().st_ino
    letter_bundle = _inodes(out / LETTERS_DIR)
    main_bundle = _inodes(out / BUNDLE_DIR)

    changed = copy.deepcopy(base_snapshot)
    changed["notices"][0]["body"].append(paragraph("只改第一份通知。"))
    result = export_site(out, src, snapshot=changed)

    assert result.incremental
    # The changed notice plus the six nav pages; everything else, ledgers included, linked unchanged.
    assert result.built_pages == 7
    assert result.linked_files == len(reusable) - 7
    assert untouched.stat().st_ino == before, "an unchanged page must be a hard link to the previous file"
    assert packed.stat().st_ino == packed_before, "and its .gz too, instead of being compressed again"
    # The search index is rebuilt from the whole new tree (readable() drops Pagefind's word separators).
    fragments = "".join(readable(p) for p in (out / "pagefind" / "fragment").iterdir())
    assert "只改第一份通知。" in fragments
    assert result.search_index and result.search_index.reused == [LETTERS_DIR]
    assert _inodes(out / BUNDLE_DIR) != main_bundle
    # No letter changed: their bundle, .gz included, is the live site's, linked (issue 17).
    assert _inodes(out / LETTERS_DIR) == letter_bundle and any(name.endswith(".gz") for name in letter_bundle)


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_export_site__a_changed_letter_reindexes_the_letter_bundle_only(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    main_bundle = _inodes(out / BUNDLE_DIR)
    changed = copy.deepcopy(base_snapshot)
    letter = changed["notices"][0]["attachments"][1]["letters"][0]
    letter["body"] = [*(letter.get("body") or []), paragraph("责任书补充条款。")]
    result = export_site(out, src, snapshot=changed)
    assert result.incremental and result.search_index and result.search_index.reused == [BUNDLE_DIR]
    assert _inodes(out / BUNDLE_DIR) == main_bundle
    fragments = "".join(readable(p) for p in (out / LETTERS_DIR / "fragment").iterdir()).replace("\u200b", "")
    assert "责任书补充条款。" in fragments
    reference = tmp_path / "full"
    export_site(reference, tmp_path / "src-full", snapshot=copy.deepcopy(changed), full=True, shards=1)
    assert tree_digest(out) == tree_digest(reference)


def _page_inodes(site: Path) -> dict[str, int]:
    """Every page the finishing step looks at (downloads and the search bundles left out) → its inode."""
    pages = {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}
    return {name: path.stat().st_ino for name, path in pages.items() if not name.startswith(("downloads/", "pagefind"))}


def test_export_site__incremental_reads_only_the_pages_it_did_not_link(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    first = export_site(out, src, snapshot=base_snapshot)
    before = _page_inodes(out)
    assert first.read_pages == len(before)  # no record of the pages' scripts yet: every page read
    changed = copy.deepcopy(base_snapshot)
    changed["notices"][0]["body"].append(paragraph("只改第一份通知。"))

    result = export_site(out, src, snapshot=changed)

    after = _page_inodes(out)
    fresh = [name for name, inode in after.items() if before.get(name) != inode]
    assert result.incremental
    assert 0 < result.read_pages == len(fresh) < len(after), "a page linked unchanged must not be read"
    reference = tmp_path / "full"
    export_site(reference, tmp_path / "src-full", snapshot=copy.deepcopy(changed), full=True, shards=1)
    assert tree_digest(out) == tree_digest(reference)


def test_export_site__a_state_without_the_script_record_reads_every_page(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    saved = json.loads(state_path(out).read_text(encoding="utf-8"))
    assert saved["page_scripts"] and saved["script_sets"]
    saved["page_scripts"] = {"index.html": 99}  # unusable: an index past the sets
    state_path(out).write_text(json.dumps(saved), encoding="utf-8")
    changed = copy.deepcopy(base_snapshot)
    changed["notices"][0]["body"].append(paragraph("只改第一份通知。"))

    result = export_site(out, src, snapshot=changed)

    assert result.incremental and result.read_pages == len(_page_inodes(out))
    reference = tmp_path / "full"
    export_site(reference, tmp_path / "src-full", snapshot=copy.deepcopy(changed), full=True, shards=1)
    assert tree_digest(out) == tree_digest(reference)
    assert export_site(out, src, snapshot=changed).read_pages < len(_page_inodes(out)), "the record is back"


def test_export_site__the_csp_loses_the_inline_script_of_removed_pages_as_a_full_export_does(base_snapshot, tmp_path):
    """The letters are the only pages three folders deep: Material's inline script names that depth."""
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    before = (out / CSP_FILE).read_text(encoding="utf-8")
    changed = copy.deepcopy(base_snapshot)
    for notice in changed["notices"]:
        for attachment in notice["attachments"]:
            attachment["letters"] = []

    result = export_site(out, src, snapshot=changed)

    reference = tmp_path / "full"
    export_site(reference, tmp_path / "src-full", snapshot=copy.deepcopy(changed), full=True, shards=1)
    csp = (out / CSP_FILE).read_text(encoding="utf-8")
    assert result.incremental
    assert csp == (reference / CSP_FILE).read_text(encoding="utf-8")
    assert len(csp) < len(before), "a script only the removed pages had must leave the policy"


def test_export_site__no_change_rebuilds_only_the_nav_pages(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    before = tree_digest(out)
    result = export_site(out, src, snapshot=base_snapshot)
    assert result.incremental and result.built_pages == len(export.incremental.NAV_PAGES)
    assert result.ledgers is None, "no ledger changed, so the ledger process must not run"
    assert tree_digest(out) == before


def test_export_site__live_at_is_when_the_new_site_was_swapped_in(base_snapshot, tmp_path, monkeypatch):
    """The benchmark's "live" figure (issue 17): not the export's end, which removes the old tree after."""
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    swapped: list[float] = []
    swap = export.build.replace_dir

    def recording(*args: Any, **kwargs: Any) -> Path | None:
        old = swap(*args, **kwargs)
        swapped.append(time.perf_counter())
        return old

    monkeypatch.setattr(export.build, "replace_dir", recording)
    changed = copy.deepcopy(base_snapshot)
    changed["notices"][0]["body"].append(paragraph("上线时刻。"))
    result = export_site(out, src, snapshot=changed)
    assert len(swapped) == 1
    assert swapped[0] <= result.live_at < swapped[0] + 1.0


def test_export_site__full_flag_and_missing_state_build_everything(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    assert not export_site(out, src, snapshot=base_snapshot, full=True).incremental
    state_path(out).unlink()
    assert not export_site(out, src, snapshot=base_snapshot).incremental
    assert export_site(out, src, snapshot=base_snapshot).incremental


def test_export_site__a_state_for_another_site_directory_is_not_trusted(base_snapshot, tmp_path):
    """A state saved for a site that never got swapped in (killed in between) must force a full build."""
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    moved = tmp_path / "elsewhere"
    shutil.copytree(out, moved)
    shutil.rmtree(out)
    moved.rename(out)  # same path, different directory: a site this state does not describe
    assert load_state(out) is None
    assert not export_site(out, src, snapshot=base_snapshot).incremental


def test_export_site__changed_hand_written_part_forces_a_full_build(base_snapshot, tmp_path):
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src, snapshot=base_snapshot)
    # A hand-written assets/ replaces the default one whole: copy it, then change one file.
    shutil.copytree(export.build.DEFAULT_SOURCE_DIR / "assets", src / "assets")
    css = src / "assets" / "extra.css"
    with css.open("a", encoding="utf-8") as handle:
        handle.write("\n.incr-test { color: red; }\n")
    result = export_site(out, src, snapshot=base_snapshot)
    assert not result.incremental
    assert ".incr-test" in (out / "assets" / "extra.css").read_text(encoding="utf-8")


def test_fingerprint__changes_with_code_config_and_hand_written_files(tmp_path):
    project = tmp_path / "project"
    for relative in export.incremental.FINGERPRINT_CODE:
        (project / relative).mkdir(parents=True)
        (project / relative / "module.py").write_text("X = 1\n", encoding="utf-8")
    hand = tmp_path / "site_src"
    (hand / "overrides").mkdir(parents=True)
    (hand / "overrides" / "main.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    (hand / "docs").mkdir()
    (hand / "docs" / "page.md").write_text("generated", encoding="utf-8")

    def current(config: dict[str, Any] | None = None) -> str:
        return fingerprint(config=config or {"site_name": "x"}, hand_written_roots=[hand], project_dir=project)

    first = current()
    (hand / "docs" / "page.md").write_text("generated again", encoding="utf-8")
    assert current() == first, "generated docs/ are compared page by page, not fingerprinted"
    (project / "export" / "module.py").write_text("X = 2\n", encoding="utf-8")
    second = current()
    assert second != first
    (hand / "overrides" / "main.html").write_text("{% extends 'base.html' %}{# changed #}", encoding="utf-8")
    third = current()
    assert third != second
    assert current({"site_name": "y"}) != third


# --- leaks: what stops being public disappears everywhere, also incrementally ------------------------------


SECRET = "增量撤回哨兵"


def _everything(out: Path) -> str:
    # Pagefind's page texts hold zero-width spaces between words: taken out, the secret reads whole.
    return "\n".join(readable(path) for path in site_files(out)).replace("\u200b", "")


@pytest.mark.parametrize("how", ["unpublish", "not_public", "delete_attachment"])
def test_export_site__content_that_stops_being_public_disappears_from_an_incremental_export(tmp_path, monkeypatch, how):
    monkeypatch.setattr(export.incremental, "INCREMENTAL_LIMIT", 1.0)  # a tiny site: most pages change
    index = ensure_site_structure()
    unit = UnitFactory(name="增量泄漏测试单位")
    keep = make_notice(index, body=[paragraph("保留的通知。")])
    make_attachment(keep, body=[task_list([{"task": "保留的任务", "units": [(unit, "lead")]}])])
    # 公开任务进展 on: the secret task is in the unit's calendar too, and must leave it.
    notice = make_notice(
        index, title=f"{SECRET}通知" if how != "delete_attachment" else "普通通知", publish_progress=True
    )
    secret_row = {"task": f"{SECRET}任务", "deadline": "2025年底前", "units": [(unit, "lead")]}
    attachment = make_attachment(notice, title=f"{SECRET}附件", body=[task_list([secret_row])])
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src)
    assert SECRET in _everything(out)
    assert [path for path in (out / "downloads").glob("unit-*.ics") if SECRET in readable(path)]

    if how == "unpublish":
        notice.unpublish()
    elif how == "not_public":
        notice.disclosure = Disclosure.ON_REQUEST
        notice.save_revision().publish()
    else:
        attachment.delete()
    result = export_site(out, src)

    assert result.incremental
    leaks = [str(path.relative_to(out)) for path in site_files(out) if SECRET in readable(path).replace("\u200b", "")]
    assert leaks == []
    assert "保留的任务" in readable(out / "downloads" / "tasks.csv")


@pytest.mark.parametrize("how", ["unpublish", "delete"])
def test_export_site__a_letter_that_stops_being_public_leaves_the_letter_bundle(tmp_path, monkeypatch, how):
    monkeypatch.setattr(export.incremental, "INCREMENTAL_LIMIT", 1.0)
    index = ensure_site_structure()
    unit, other = UnitFactory(name="增量泄漏测试镇"), UnitFactory(name="增量保留测试镇")
    notice = make_notice(index, body=[paragraph("保留的通知。")])
    letters = make_attachment(notice, title="目标责任书", number=1)
    make_letter(letters, other, title="保留的责任书", body=[paragraph("保留的责任书正文。")])
    secret = make_letter(letters, unit, title=f"{SECRET}责任书", body=[paragraph(f"{SECRET}正文。")])
    out, src = tmp_path / "site", tmp_path / "src"
    export_site(out, src)
    assert SECRET in "".join(readable(p) for p in site_files(out / LETTERS_DIR)).replace("\u200b", "")

    if how == "unpublish":
        secret.unpublish()
    else:
        secret.delete()
    result = export_site(out, src)

    assert result.incremental and result.search_index and LETTERS_DIR not in result.search_index.reused
    leaks = [str(path.relative_to(out)) for path in site_files(out) if SECRET in readable(path).replace("\u200b", "")]
    assert leaks == []
    assert "保留的责任书正文" in "".join(readable(p) for p in site_files(out / LETTERS_DIR)).replace("\u200b", "")


def test_ledger_digests__a_passed_checkpoint_changes_the_digest_as_the_next_checkpoint_column_changes():
    task = {"row_id": "r1", "task": "巡查", "checkpoints": ["2024-03-31", "2024-06-30"], "due_date": "2024-12-31"}
    other = {"row_id": "r2", "task": "培训", "checkpoints": [], "due_date": "2024-12-31"}
    items = [Ledger("unit-a", "甲镇任务台账", [task]), Ledger("unit-b", "乙镇任务台账", [other])]

    january, february, april = (ledger_digests(items, date(2024, month, 1)) for month in (1, 2, 4))

    assert january == february  # no checkpoint passed: the files would be the same bytes
    assert april["unit-a"] != february["unit-a"]  # 下次节点 moved from 03-31 to 06-30
    assert april["unit-b"] == february["unit-b"]


def test_load_state__a_malformed_script_record_is_dropped_and_the_rest_kept(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    state = ExportState("fp", site_identity(out), pages={"index.md": "d"})
    hashes = {"index.html": frozenset({"'sha256-a'", "'sha256-b'"}), "404.html": frozenset({"'sha256-a'"})}
    state.record_scripts({**hashes, "units/x.html": hashes["index.html"]})
    save_state(out, state)
    loaded = load_state(out)
    assert loaded is not None and loaded.scripts() == {**hashes, "units/x.html": hashes["index.html"]}
    assert len(loaded.script_sets) == 2  # each distinct set stored once

    saved = json.loads(state_path(out).read_text(encoding="utf-8"))
    for record in ({"page_scripts": "garbage"}, {"script_sets": 7}, {"page_scripts": {"index.html": -1}}):
        state_path(out).write_text(json.dumps({**saved, **record}), encoding="utf-8")
        loaded = load_state(out)
        assert loaded is not None and loaded.pages == {"index.md": "d"}
        assert loaded.scripts() is None


class _IdleStream(export.build.PageStream):
    """A page stream that finishes nothing, so finish_site does every page after MkDocs (the old way)."""

    def close(self) -> dict[str, Any]:
        super().close()
        return {}


@pytest.mark.parametrize("shards", [1, 2])
def test_export_site__pages_finished_during_mkdocs_have_the_bytes_of_pages_finished_after_it(
    base_snapshot, tmp_path, monkeypatch, shards
):
    streamed = export_site(tmp_path / "streamed", tmp_path / "src1", snapshot=base_snapshot, full=True, shards=shards)
    monkeypatch.setattr(export.build, "PageStream", _IdleStream)
    after = export_site(tmp_path / "after", tmp_path / "src2", snapshot=base_snapshot, full=True, shards=shards)
    assert after.early_pages == 0
    # Pages without a download size are always finished early; the others as soon as their ledgers exist.
    assert 0 < streamed.early_pages <= streamed.pages
    assert tree_digest(tmp_path / "streamed") == tree_digest(tmp_path / "after")


def test_link_files__a_page_replaced_by_rename_while_it_is_linked_is_linked_all_the_same(tmp_path):
    """A writer replaces pages by rename while Pagefind's folder of links is made; ``link`` can miss one once."""
    site, view = tmp_path / "site", tmp_path / "view"
    (site / "notices").mkdir(parents=True)
    for name in ("a", "b"):
        (site / "notices" / f"{name}.html").write_text(name, encoding="utf-8")
    writer = threading.Event()
    link = os.link

    def racing(source, target, **kwargs):
        if source.endswith("a.html") and not writer.is_set():  # the rename lands between lookup and link
            writer.set()
            replaced = Path(source).with_name(".a.html.new")
            replaced.write_text("a, filled", encoding="utf-8")
            os.replace(replaced, source)
            raise FileNotFoundError(2, "No such file or directory", source)
        return link(source, target, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", racing)
        assert link_files(site, view, ["notices/a.html", "notices/b.html"]) == 2
    assert (view / "notices" / "a.html").read_text(encoding="utf-8") == "a, filled"
    with pytest.raises(ReuseFailed, match=r"notices/c\.html"):  # a file really missing is still an error
        link_files(site, view, ["notices/c.html"])
