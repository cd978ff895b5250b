"""The steps between MkDocs and the swap do per file what the whole-site versions do, and only where needed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from export.downloads import download_links
from export.finish import FinishPlan, PageStream, finish_site, pages_to_fill
from export.serving import CSP_FILE, prepare_for_serving
from export.written_hooks import WRITTEN_VARIABLE
from tests.export.sitecheck import tree_digest

ARTICLE = '<article class="md-content__inner md-typeset">{}</article>'
LONG = "安全生产" * 300


def _write(site: Path, path: str, body: str) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<html><script>var d = 1;</script><body>{ARTICLE.format(body)}</body></html>", encoding="utf-8")


def _site(root: Path) -> Path:
    site = root / "site"
    _write(site, "index.html", f'<ul><li><a href="notices/a.html">通知</a> 2022年11月23日</li></ul>{LONG}')
    meta = "".join(f'<tr><th scope="row">{k}</th><td>{k}值</td></tr>' for k in ("索引号", "发文机关", "成文日期"))
    links = download_links("notices/a.md", "notice-a", "甲通知")
    _write(site, "notices/a.html", f'<table class="gk-meta">{meta}</table>{links}{LONG}')
    _write(site, "units/b.html", '<a href="../notices/a.html">甲</a><script>var b = 2;</script>')
    (site / "assets").mkdir()
    (site / "assets" / "extra.css").write_text("body { color: black; }\n" * 40, encoding="utf-8")
    (site / "downloads").mkdir()
    for fmt in ("csv", "xlsx", "json"):
        (site / "downloads" / f"notice-a.{fmt}").write_text(f"{fmt}," + "台账" * 300, encoding="utf-8")
    return site


def test_finish_site__same_files_as_the_whole_site_steps(tmp_path):
    site = _site(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(site, other)
    ledgers = [("notice-a", "甲通知")]
    prepare_for_serving(other, ledgers)  # sizes are not its job: fill them the same way first
    finish_site(site, FinishPlan(ledgers, sized_pages=None))
    # The plain version compresses the downloads itself; the ledger process does that for finish_site.
    for fmt in ("csv", "json"):
        (other / "downloads" / f"notice-a.{fmt}.gz").unlink()
        for named in (other / "downloads" / "notice-a").glob(f"*.{fmt}.gz"):
            named.unlink()
    plain = tree_digest(other)
    finished = tree_digest(site)
    assert finished.pop("notices/a.html") != plain.pop("notices/a.html")  # sizes written by finish_site only
    assert finished.pop("notices/a.html.gz") != plain.pop("notices/a.html.gz")
    assert finished == plain
    assert 'data-gk-size="notice-a.csv">，2 KB</span>' in (site / "notices/a.html").read_text(encoding="utf-8")


def test_finish_site__a_linked_page_is_checked_only_when_something_of_the_live_site_is_gone(tmp_path):
    site = _site(tmp_path)
    _write(site, "units/c.html", '<a href="../notices/gone.html">已撤下</a>')
    plan = FinishPlan([("notice-a", "甲通知")], sized_pages={}, linked={"units/c.html"}, removed=False)

    assert finish_site(site, plan).problems == []

    plan.removed = True
    assert finish_site(site, plan).problems == ["units/c.html：链接 ../notices/gone.html 指向不存在的文件"]


def test_finish_site__a_linked_gz_is_kept_unread_and_a_rewritten_page_gets_a_new_one(tmp_path):
    site = _site(tmp_path)
    live = tmp_path / "live"
    live.mkdir()
    (live / "a.html.gz").write_bytes(b"linked with its page")
    os.link(live / "a.html.gz", site / "notices" / "a.html.gz")
    (live / "index.html.gz").write_bytes(b"linked with its page")
    os.link(live / "index.html.gz", site / "index.html.gz")
    sized = {"notices/a.html": frozenset({"notice-a.csv", "notice-a.xlsx", "notice-a.json"})}
    plan = FinishPlan([("notice-a", "甲通知")], sized_pages=sized, linked={"index.html", "notices/a.html"})
    plan.fresh_downloads = {"notice-a.csv"}

    result = finish_site(site, plan)

    assert result.rewritten == ["notices/a.html"]  # it shows the size of a ledger file written now
    assert (site / "index.html.gz").read_bytes() == b"linked with its page"
    assert (site / "notices" / "a.html.gz").read_bytes() != b"linked with its page"
    assert (live / "a.html.gz").read_bytes() == b"linked with its page"  # the live site's file untouched


def test_pages_to_fill__built_pages_and_linked_ones_showing_a_download_written_now():
    sized = {"a.html": frozenset({"x.csv"}), "b.html": frozenset({"y.csv"}), "c.html": frozenset({"y.csv"})}
    plan = FinishPlan([], sized_pages=sized, linked={"b.html", "c.html"}, fresh_downloads={"x.csv"})
    assert pages_to_fill(plan) == ["a.html"]
    plan.fresh_downloads = {"y.csv"}
    assert pages_to_fill(plan) == ["a.html", "b.html", "c.html"]
    assert pages_to_fill(FinishPlan([])) is None


def _csp(site: Path) -> str:
    return (site / CSP_FILE).read_text(encoding="utf-8")


def _live_and_record(tmp_path: Path) -> tuple[Path, dict[str, frozenset[str]]]:
    """A finished live site and the script hashes its export recorded (every page read: no record before)."""
    live = _site(tmp_path / "live")
    result = finish_site(live, FinishPlan([("notice-a", "甲通知")], sized_pages={}))
    assert result.read == len(result.scripts) == 3
    return live, result.scripts


def _next_site(live: Path, tmp_path: Path) -> Path:
    """The next export's site before finishing: every page hard-linked from the live one, like link_previous."""
    site = tmp_path / "next"
    shutil.copytree(live, site, copy_function=os.link)
    (site / CSP_FILE).unlink()
    return site


def test_finish_site__a_linked_page_with_recorded_scripts_is_not_read_and_the_csp_stays_the_same(tmp_path):
    live, record = _live_and_record(tmp_path)
    site = _next_site(live, tmp_path)
    (site / "notices" / "a.html").unlink()  # rebuilt now
    shutil.copy2(live / "notices" / "a.html", site / "notices" / "a.html")
    linked = {"index.html", "units/b.html"}
    plan = FinishPlan([("notice-a", "甲通知")], sized_pages={}, linked=linked, removed=False, scripts=record)

    result = finish_site(site, plan)

    assert result.read == 1  # notices/a.html only
    assert result.scripts == record
    assert _csp(site) == _csp(live)
    assert tree_digest(site) == tree_digest(live)


def test_finish_site__recorded_scripts_of_a_rebuilt_or_vanished_page_leave_the_csp(tmp_path):
    live, record = _live_and_record(tmp_path)
    assert "var b = 2" in (live / "units" / "b.html").read_text(encoding="utf-8")
    site = _next_site(live, tmp_path)
    (site / "units" / "b.html").unlink()
    _write(site, "units/b.html", '<a href="../notices/a.html">甲</a>')  # rebuilt without its own script
    record = {**record, "units/gone.html": frozenset({"'sha256-gone'"})}  # in the record, not in the site
    linked = {"index.html", "notices/a.html", "units/gone.html"}
    plan = FinishPlan([("notice-a", "甲通知")], sized_pages={}, linked=linked, removed=False, scripts=record)

    result = finish_site(site, plan)

    full = tmp_path / "full"
    shutil.copytree(site, full)
    finish_site(full, FinishPlan([("notice-a", "甲通知")], sized_pages={}))
    assert result.read == 1
    assert _csp(site) == _csp(full)
    assert "sha256-gone" not in _csp(site) and len(result.scripts) == 3
    assert len(_csp(site)) < len(_csp(live))  # units/b.html's own script is gone from the policy


def test_finish_site__linked_pages_are_read_without_a_record_or_when_checked_or_given_sizes(tmp_path):
    live, record = _live_and_record(tmp_path)
    linked = {"index.html", "notices/a.html", "units/b.html"}
    ledgers = [("notice-a", "甲通知")]

    def read(tag: str, **options) -> int:
        site = _next_site(live, tmp_path / tag)
        plan = FinishPlan(ledgers, linked=linked, **{"sized_pages": {}, "removed": False, **options})
        result = finish_site(site, plan)
        assert _csp(site) == _csp(live)
        return result.read

    assert read("recorded", scripts=record) == 0
    assert read("no-record") == 3
    assert read("part", scripts={"index.html": record["index.html"]}) == 2
    assert read("removed", scripts=record, removed=True) == 3  # every page checked
    assert read("sizes-unknown", scripts=record, sized_pages=None) == 3
    sized = {"notices/a.html": frozenset({"notice-a.csv"})}
    assert read("fresh-ledger", scripts=record, sized_pages=sized, fresh_downloads={"notice-a.csv"}) == 1


class _Ledger:
    """The ledger step as the page stream sees it: its folder, and whether it has ended."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ended = False

    def __call__(self) -> tuple[Path, bool]:
        return self.folder, self.ended


def _until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _name(log: Path, *pages: str) -> None:
    with open(log, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{page}\n" for page in pages))


def test_page_stream__pages_finished_as_named_give_the_files_and_findings_of_finish_site(tmp_path):
    site = _site(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(site, other)
    pages = frozenset({"index.html", "notices/a.html", "units/b.html"})
    sized = {"notices/a.html": frozenset(f"notice-a.{fmt}" for fmt in ("csv", "xlsx", "json"))}
    ledger = _Ledger(site / "downloads")
    stream = PageStream(site, pages, sized, ledger)
    log = Path(stream.watch(site, tmp_path)[WRITTEN_VARIABLE])
    _name(log, "index.html", "notices/a.html", "units/b.html")
    assert _until(lambda: {"index.html", "units/b.html"} <= stream.pages.keys())
    time.sleep(0.2)
    assert "notices/a.html" not in stream.pages, "the ledger process has not ended yet"
    ledger.ended = True
    assert _until(lambda: "notices/a.html" in stream.pages)
    early = stream.close()
    assert early.keys() == pages
    ledgers = [("notice-a", "甲通知")]
    streamed = finish_site(site, FinishPlan(ledgers, sized_pages=sized, early=early, expected=pages))
    after = finish_site(other, FinishPlan(ledgers, sized_pages=sized))
    assert streamed.early == 3 and after.early == 0
    assert tree_digest(site) == tree_digest(other)
    assert (streamed.problems, streamed.scripts, streamed.rewritten) == (after.problems, after.scripts, after.rewritten)
    assert streamed.rewritten == ["notices/a.html"]


def test_page_stream__a_page_still_waiting_for_its_ledger_when_mkdocs_ends_is_finished_after_it(tmp_path):
    site = _site(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(site, other)
    pages = frozenset({"index.html", "notices/a.html", "units/b.html"})
    sized = {"notices/a.html": frozenset({"notice-a.csv"})}
    stream = PageStream(site, pages, sized, _Ledger(site / "downloads"))
    _name(Path(stream.watch(site, tmp_path)[WRITTEN_VARIABLE]), *sorted(pages))
    early = stream.close()  # MkDocs is done; the ledger process is not
    assert early.keys() == {"index.html", "units/b.html"}
    ledgers = [("notice-a", "甲通知")]
    result = finish_site(site, FinishPlan(ledgers, sized_pages=sized, early=early, expected=pages))
    finish_site(other, FinishPlan(ledgers, sized_pages=sized))
    assert result.early == 2 and result.rewritten == ["notices/a.html"]
    assert tree_digest(site) == tree_digest(other)


def test_page_stream__broken_links_are_found_and_a_missing_expected_page_drops_the_early_results(tmp_path):
    site = _site(tmp_path)
    _write(site, "units/b.html", '<a href="../notices/gone.html">甲</a><a href="../notices/ghost.html">乙</a>')
    pages = frozenset({"index.html", "notices/a.html", "units/b.html"})
    ledger = _Ledger(site / "downloads")
    ledger.ended = True
    stream = PageStream(site, pages, {}, ledger)
    _name(Path(stream.watch(site, tmp_path)[WRITTEN_VARIABLE]), *sorted(pages))
    early = stream.close()
    plan = FinishPlan([("notice-a", "甲通知")], sized_pages={}, early=early, expected=pages)
    found = finish_site(site, plan).problems
    assert [problem for problem in found if "units/b.html" in problem] == [
        "units/b.html：链接 ../notices/ghost.html 指向不存在的文件",
        "units/b.html：链接 ../notices/gone.html 指向不存在的文件",
    ]
    # The stream took a link to any page of the build as good; one that was never written voids that.
    stream = PageStream(site, pages | {"notices/ghost.html"}, {}, ledger)
    (tmp_path / "again").mkdir()
    _name(Path(stream.watch(site, tmp_path / "again")[WRITTEN_VARIABLE]), *sorted(pages))
    early = stream.close()
    assert early.keys() == pages and early["units/b.html"].links == [("../notices/gone.html", "notices/gone.html")]
    plan = FinishPlan([("notice-a", "甲通知")], sized_pages={}, early=early, expected=pages | {"notices/ghost.html"})
    again = finish_site(site, plan)
    assert again.early == 0 and "units/b.html：链接 ../notices/ghost.html 指向不存在的文件" in again.problems
