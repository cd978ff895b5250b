"""The public site, end to end: real database, real ``export_site``, real ``mkdocs build``.

One corpus, exported twice (module-scoped: a build costs seconds), holds a
public notice with an attachment and a letter and, beside it, every way
content can be non-public.  Each piece carries a unique sentinel; the tests
then read every built file the way a browser, a crawler or the search box
would.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

import export.build
import export.downloads
from cms.documents.models import Disclosure, NoticePage, Validity
from cms.documents.setup import ensure_site_structure
from export.build import export_site
from export.search_index import BUNDLE_DIR, BUNDLES, LETTERS_DIR
from tests.export.sitecheck import (
    external_references,
    link_problems,
    parse_page,
    readable,
    site_files,
    tree_digest,
)
from tests.factories import (
    UnitAliasFactory,
    UnitFactory,
    heading,
    list_value,
    make_attachment,
    make_letter,
    make_notice,
    paragraph,
    task_list,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PUBLIC = {
    "notice": "PUBNOTICEBODY01",
    "attachment": "PUBATTACHBODY01",
    "letter": "PUBLETTERBODY01",
    "live_text": "LIVETEXTSTAYS01",
    "unit_alias": "PUBALIASXAB01",
}
PRIVATE = {
    "draft": "NEVERPUBLISHED01",
    "unpublished": "WASLIVEUNPUBLISHED01",
    "newer_draft": "NEWERDRAFTTEXT01",
    "newer_draft_unit": "DRAFTONLYUNIT01",
    "on_request": "ONREQUESTNOTICE01",
    "not_public": "NOTPUBLICNOTICE01",
    "expired": "EXPIREDNOTICE01",
    "scheduled": "SCHEDULEDNOTICE01",
    "attachment_under_private": "ATTACHUNDERPRIVATE01",
    "draft_attachment": "DRAFTATTACHMENT01",
    "draft_letter": "DRAFTLETTER01",
    "secret_unit": "SECRETUNITNAME01",
    "secret_alias": "SECRETUNITALIAS01",
    "registry_only_unit": "REGISTRYONLYUNIT01",
}
BASE_URL = "https://www.example.gov.cn/zwgk/aqsc/"
# Publication times are set in the past so a date taken from the clock would show.
PUBLISHED = datetime(2024, 3, 15, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
REVISED_PUBLISHED = datetime(2024, 5, 20, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ESCAPE_TITLE = '关于</title><script>alert("title")</script>的通知'
ESCAPES = [
    '<script>alert("xss")</script>',
    "**不是粗体**",
    "[链接](http://evil.example/)",
    "a | b",
    "{{ config.site_name }}",
    "{% if true %}模板{% endif %}",
    "<img src=x onerror=alert(2)>",
]


@dataclass
class Built:
    out: Path
    out_again: Path
    src: Path
    root: Path
    pages: dict[str, str]  # what: html path relative to out
    log: str


def _target_group(unit, text: str, indicator: str = "") -> dict:
    return {
        "type": "target_group",
        "value": {
            "unit": unit.pk,
            "unit_name": unit.name,
            "targets": list_value([{"text": text, "indicator": indicator}]),
        },
    }


def _indicator_table(unit) -> dict:
    return {
        "type": "indicator_table",
        "value": {
            "title": "市政消火栓建设任务表",
            "row_header": "单位",
            "columns": list_value(
                [{"group": "市政消火栓建设任务", "name": "新建数"}, {"group": "市政消火栓建设任务", "name": "补建数"}]
            ),
            "rows": list_value([{"unit": unit.pk, "unit_name": unit.name, "values": list_value([3.0, 2.0])}]),
        },
    }


def _generic_table(cells: list[list[str]]) -> dict:
    return {"type": "table", "value": {"title": "", "header_rows": 1, "table": {"data": cells, "mergeCells": []}}}


def make_corpus() -> dict[str, str]:
    """Public and non-public content side by side; returns the built paths of the public pages."""
    index = ensure_site_structure()
    township = UnitFactory(name="百崎回族乡安全生产办公室", kind="township")
    UnitAliasFactory(unit=township, name=f"乡安办{PUBLIC['unit_alias']}")
    brigade = UnitFactory(name="消防救援大队")
    secret = UnitFactory(name=f"保密单位{PRIVATE['secret_unit']}")
    UnitAliasFactory(unit=secret, name=f"别名{PRIVATE['secret_alias']}")
    draft_only = UnitFactory(name=f"草稿单位{PRIVATE['newer_draft_unit']}")
    UnitFactory(name=f"登记单位{PRIVATE['registry_only_unit']}")

    # --- public ----------------------------------------------------------------------
    notice = make_notice(
        index,
        title="关于下达2024年度安全生产和消防工作目标责任的通知",
        doc_number="测安委〔2024〕1号",
        issuer="测试县安全生产委员会",
        topic="fire",
        signature="测试县安全生产委员会",
        attachment_note="1．2024年度目标责任\n2．目标责任书",
        body=[
            heading("工作目标"),
            paragraph(f"全面落实安全生产责任制。{PUBLIC['notice']}"),
            heading("打通消防车通道", level=2),
            paragraph("各乡镇要集中整治占用堵塞消防车通道问题，确保生命通道畅通。"),
        ],
    )
    attachment = make_attachment(
        notice,
        number=1,
        title="2024年度安全生产目标责任",
        kind="tasks",
        body=[
            paragraph(f"附件正文。{PUBLIC['attachment']}"),
            _target_group(brigade, "完成市政消火栓建设任务", "≥95%"),
            task_list(
                [
                    {
                        "topic": "消防安全专项整治",
                        "task": "整治群租房消防安全隐患",
                        "detail": "建立问题清单、责任清单",
                        "deadline": "2024年底前",
                        "units": [(township, "lead"), (brigade, "support")],
                    }
                ],
                title="重点项目清单",
            ),
            _indicator_table(brigade),
        ],
    )
    letters = make_attachment(notice, number=2, title="目标责任书", kind="letters")
    make_letter(
        letters,
        township,
        title="2024年百崎回族乡安全生产目标责任书",
        body=[paragraph(f"责任书正文。{PUBLIC['letter']}")],
    )

    # A live notice with a newer draft: the live text is public, the draft is not.
    revised = make_notice(
        index,
        title="关于做好市政消火栓建设工作的通知",
        doc_number="测安委〔2024〕2号",
        topic="safety",
        validity=Validity.REPEALED,
        body=[paragraph(f"市政消火栓建设。{PUBLIC['live_text']}")],
    )
    draft = NoticePage.objects.get(pk=revised.pk)
    draft.body = [
        paragraph(f"修改稿。{PRIVATE['newer_draft']}"),
        task_list([{"task": "草稿任务", "units": [(draft_only, "lead")]}]),
    ]
    draft.save_revision()

    # Escaping: editor-typed syntax must come out literally.
    make_notice(
        index,
        title=ESCAPE_TITLE,
        doc_number="测安委〔2024〕3号",
        body=[
            paragraph(ESCAPES[0]),
            paragraph(ESCAPES[1]),
            paragraph(ESCAPES[2]),
            task_list(
                [{"task": ESCAPES[3], "detail": ESCAPES[4], "deadline": ESCAPES[5], "units": [(township, "lead")]}]
            ),
            _generic_table([["表头一", "表头二"], [ESCAPES[6], ESCAPES[3]]]),
        ],
    )

    # --- not public ------------------------------------------------------------------
    make_notice(index, publish=False, title=f"草稿{PRIVATE['draft']}", body=[paragraph(PRIVATE["draft"])])
    gone = make_notice(index, title=f"已撤回{PRIVATE['unpublished']}", body=[paragraph(PRIVATE["unpublished"])])
    gone.unpublish()
    on_request = make_notice(
        index,
        title=f"依申请公开{PRIVATE['on_request']}",
        disclosure=Disclosure.ON_REQUEST,
        body=[paragraph(PRIVATE["on_request"])],
    )
    make_attachment(
        on_request,
        title=f"附件{PRIVATE['attachment_under_private']}",
        body=[paragraph(PRIVATE["attachment_under_private"])],
    )
    make_notice(
        index,
        title=f"不予公开{PRIVATE['not_public']}",
        disclosure=Disclosure.NOT_PUBLIC,
        body=[paragraph(PRIVATE["not_public"]), task_list([{"task": "保密任务", "units": [(secret, "lead")]}])],
    )
    expired = make_notice(index, title=f"已过期{PRIVATE['expired']}", body=[paragraph(PRIVATE["expired"])])
    NoticePage.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(days=1))
    scheduled = NoticePage(
        title=f"定时发布{PRIVATE['scheduled']}",
        doc_number="测安委〔2024〕99号",
        issuer="测试县人民政府",
        disclosure=Disclosure.PUBLIC,
        year=2024,
        live=False,
        go_live_at=timezone.now() + timedelta(days=30),
        body=[paragraph(PRIVATE["scheduled"])],
    )
    index.add_child(instance=scheduled)
    scheduled.save_revision().publish()
    assert not NoticePage.objects.get(pk=scheduled.pk).live
    make_attachment(notice, publish=False, number=3, title=f"草稿附件{PRIVATE['draft_attachment']}")
    make_letter(letters, secret, publish=False, title=f"草稿责任书{PRIVATE['draft_letter']}")

    Page.objects.filter(depth__gt=3).update(first_published_at=PUBLISHED, last_published_at=PUBLISHED)
    Page.objects.filter(pk=revised.pk).update(last_published_at=REVISED_PUBLISHED)
    attachment.refresh_from_db()
    return {
        "notice": f"notices/{notice.slug}.html",
        "attachment": f"notices/{notice.slug}/{attachment.slug}.html",
        "revised": f"notices/{revised.slug}.html",
        "escape": f"notices/{NoticePage.objects.get(doc_number='测安委〔2024〕3号').slug}.html",
        "township": f"units/{township.slug}.html",
        "brigade": f"units/{brigade.slug}.html",
    }


def _export(out: Path, src: Path) -> str:
    stdout = io.StringIO()
    call_command("export_site", "--out", str(out), "--src", str(src), "--base-url", BASE_URL, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("public-site")
    with django_db_blocker.unblock(), transaction.atomic():
        pages = make_corpus()
        log = _export(root / "site", root / "src")
        _export(root / "site-again", root / "src")
        yield Built(root / "site", root / "site-again", root / "src", root, pages, log)
        transaction.set_rollback(True)


# --- export_site ---------------------------------------------------------------------------


def test_export_site__prints_each_step_and_writes_docs_and_site(built):
    for step in ("快照：", "渲染：", "构建：", "完成："):
        assert step in built.log
    assert (built.src / "docs" / "index.md").is_file()
    assert (built.src / "docs" / "assets" / "extra.css").is_file()
    assert (built.out / "index.html").is_file()
    assert not list(built.root.glob(".site.build-*")), "temporary build directory left behind"
    for what in ("notice", "attachment", "revised", "township", "brigade"):
        assert (built.out / built.pages[what]).is_file(), what


def test_export_site__nothing_non_public_in_any_file(built):
    leaks = []
    files = site_files(built.out) + site_files(built.src / "docs")
    assert any(p.suffix == ".pf_fragment" for p in files) and any(p.name == "sitemap.xml" for p in files)
    for path in files:
        text = readable(path).lower()
        leaks += [f"{path.relative_to(built.root)}: {name}" for name, s in PRIVATE.items() if s.lower() in text]
    assert not leaks


def test_export_site__public_content_present_in_pages_and_search(built):
    index = "\n".join(readable(p) for bundle in BUNDLES for p in (built.out / bundle / "fragment").iterdir())
    for name, sentinel in PUBLIC.items():
        assert sentinel in index, name
    notice = parse_page(built.out / built.pages["notice"]).visible_text
    assert PUBLIC["notice"] in notice
    assert "索引号" in notice and "测安委〔2024〕1号" in notice and "主动公开" in notice
    assert "一、工作目标" in notice and "（一）打通消防车通道" in notice
    assert PUBLIC["live_text"] in parse_page(built.out / built.pages["revised"]).visible_text


def test_export_site__repealed_notice_shows_banner(built):
    page = (built.out / built.pages["revised"]).read_text(encoding="utf-8")
    assert 'class="validity-banner validity-repealed"' in page
    assert "本文件已废止" in page
    assert "validity-banner" not in (built.out / built.pages["notice"]).read_text(encoding="utf-8")


def test_export_site__unit_page_lists_assignments_by_year_with_counts(built):
    township = parse_page(built.out / built.pages["township"])
    text = township.visible_text
    assert "2024年（3项）" in text  # one letter and two task rows
    assert "目标责任书（1项）" in text and "任务（2项）" in text
    assert "整治群租房消防安全隐患" in text and "牵头" in text
    assert PUBLIC["unit_alias"] in text
    brigade = parse_page(built.out / built.pages["brigade"]).visible_text
    assert "个性目标（1项）" in brigade and "指标（1项）" in brigade and "配合" in brigade
    assert "完成市政消火栓建设任务" in brigade and "新建数 3" in brigade
    units_index = parse_page(built.out / "units" / "index.html").visible_text
    assert "百崎回族乡安全生产办公室" in units_index and "消防救援大队" in units_index


def test_export_site__units_in_documents_link_to_unit_pages(built):
    page = parse_page(built.out / built.pages["attachment"])
    unit_links = [u for _, attr, u in page.urls if attr == "href" and "units/" in u]
    assert unit_links and all(u.startswith("../../units/") and u.endswith(".html") for u in unit_links)


def test_export_site__links_are_relative_and_resolve(built):
    assert not link_problems(built.out, own_url=BASE_URL)


def test_export_site__self_contained(built):
    assert not external_references(built.out, own_url=BASE_URL)
    assert not list(built.out.rglob("*.map"))


def test_export_site__editor_text_is_literal_in_built_html(built):
    path = built.out / built.pages["escape"]
    raw = path.read_text(encoding="utf-8")
    page = parse_page(path)
    assert not re.search(r"<script[^>]*>\s*alert", raw, re.IGNORECASE)
    assert all("alert(" not in script for script in page.scripts)
    assert not [h for h in page.event_handlers if h[1] == "onerror"]
    assert "<strong>不是粗体</strong>" not in raw
    assert not [u for _, _, u in page.urls if "evil.example" in u]
    for literal in [ESCAPE_TITLE, *ESCAPES]:
        assert literal in page.visible_text, literal
    assert page.title == f"{ESCAPE_TITLE} - 安全生产和消防工作目标责任"
    # Search keeps the title as text (assets/gk-search.js shows it with textContent).
    assert _fragments(built)[built.pages["escape"]]["meta"]["title"] == ESCAPE_TITLE


def test_export_site__byte_identical_when_exported_twice(built):
    first, second = tree_digest(built.out), tree_digest(built.out_again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_export_site__sitemap_dates_come_from_content_not_the_clock(built):
    sitemap = (built.out / "sitemap.xml").read_text(encoding="utf-8")
    entries = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    assert entries[BASE_URL + built.pages["notice"]] == "2024-03-15"
    assert entries[BASE_URL + built.pages["revised"]] == "2024-05-20"
    assert entries[BASE_URL + "years/index.html"] == "2024-05-20"  # the newest publication
    assert set(entries.values()) == {"2024-03-15", "2024-05-20"}
    header = (built.out / "sitemap.xml.gz").read_bytes()[4:8]
    assert int.from_bytes(header, "little") == int(datetime(2024, 5, 20, tzinfo=UTC).timestamp())


# --- Chinese search ----------------------------------------------------------------------------


def _fragments(built: Built, bundles: tuple[str, ...] = BUNDLES) -> dict[str, dict[str, Any]]:
    """Site path → Pagefind's record of the page (text, title and notice metadata), for every indexed page."""
    out = {}
    for path in [p for bundle in bundles for p in (built.out / bundle / "fragment").iterdir()]:
        data = gzip.decompress(path.read_bytes()).decode("utf-8")
        record = json.loads(data[data.index("{") :])
        record["content"] = record["content"].replace("\u200b", "")
        out[record["url"].lstrip("/")] = record
    return out


def test_search__pagefind_index_is_one_chinese_index_of_documents_and_units(built):
    entry = json.loads((built.out / BUNDLE_DIR / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]
    pages = set(_fragments(built, (BUNDLE_DIR,)))
    assert entry["languages"]["zh-cn"]["page_count"] == len(pages)
    assert {built.pages[name] for name in ("notice", "attachment", "township", "brigade")} <= pages
    # Listing pages, downloads, the home page and the 404 are not indexed: a query lands on a document.
    assert all(p.startswith(("notices/", "units/")) and p != "units/index.html" for p in pages), pages


def test_search__letters_are_a_bundle_of_their_own(built):
    """目标责任书 are searched only when the reader asks for more (issue 15: the first query's bytes)."""
    main, letters = set(_fragments(built, (BUNDLE_DIR,))), _fragments(built, (LETTERS_DIR,))
    assert letters and main.isdisjoint(letters)
    assert all("notice" in r["meta"] for r in letters.values()), "a letter belongs to a notice"
    assert [url for url, r in letters.items() if PUBLIC["letter"] in r["content"]], "the letter is in its bundle"
    assert not [url for url in main if PUBLIC["letter"] in _fragments(built)[url]["content"]]
    entry = json.loads((built.out / LETTERS_DIR / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh-cn"]["page_count"] == len(letters)
    # Both bundles gzip'd for nginx like the main one, and nothing Pagefind's own UI would need.
    assert (built.out / LETTERS_DIR / "pagefind.js.gz").is_file()
    assert not (built.out / LETTERS_DIR / "pagefind-ui.js").exists()


def test_search__document_text_title_and_notice_are_indexed(built):
    fragments = _fragments(built)
    notice, attachment = fragments[built.pages["notice"]], fragments[built.pages["attachment"]]
    assert "打通消防车通道" in notice["content"] and "测安委〔2024〕1号" in notice["content"]
    assert "notice" not in notice["meta"]
    assert attachment["meta"]["notice"] == notice["meta"]["title"]
    assert "整治群租房消防安全隐患" in attachment["content"]
    letter = next(record for record in fragments.values() if PUBLIC["letter"] in record["content"])
    assert letter["meta"]["notice"] == notice["meta"]["title"]


def test_search__text_every_document_repeats_is_not_indexed(built):
    fragments = _fragments(built)
    notice, attachment = fragments[built.pages["notice"]], fragments[built.pages["attachment"]]
    # The 文号 finds the notice only: the attachment names its notice in metadata, not in its text.
    assert "测安委〔2024〕1号" in notice["content"] and "测安委〔2024〕1号" not in attachment["content"]
    assert "索引号" in notice["content"] and "成文日期" not in notice["content"]
    assert not [url for url, record in fragments.items() if "下载任务台账" in record["content"]]
    # A task row keeps its task and content but not the column labels or its units' names.
    assert "整治群租房消防安全隐患" in attachment["content"] and "建立问题清单" in attachment["content"]
    assert "工作内容" not in attachment["content"] and "牵头" not in attachment["content"]
    assert "测试县安全生产委员会文件" not in notice["content"]


def test_search__unit_page_is_indexed_by_name_and_summary_only(built):
    township = _fragments(built)[built.pages["township"]]
    assert township["meta"]["title"] == "百崎回族乡安全生产办公室"
    assert PUBLIC["unit_alias"] in township["content"] and "类别：乡镇" in township["content"]
    # Nor its counts line, whose item kinds (目标责任书…项) outranked the documents for those words.
    assert "涉及" not in township["content"] and "项：" not in township["content"]
    # The rows the unit page repeats from the documents are not indexed twice.
    assert "整治群租房消防安全隐患" not in township["content"]


def test_search__index_files_are_fetched_in_pieces(built):
    for name in BUNDLES:
        bundle = built.out / name
        assert (bundle / "pagefind.js").is_file() and list((bundle / "index").iterdir())
    # No single file holds the whole index the way search_index.json did.
    assert not (built.out / "search" / "search_index.json").exists()


# --- faults -------------------------------------------------------------------------------------


def _copy_site(built: Built, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    shutil.copytree(built.out, out)
    return out


def test_export_site__mkdocs_failure_keeps_previous_site_then_next_export_succeeds(built, tmp_path, monkeypatch):
    out = _copy_site(built, tmp_path)
    before = tree_digest(out)
    real_run = export.build.run_mkdocs

    def broken(config_path: Path, site_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        with open(config_path, "a", encoding="utf-8") as handle:
            handle.write("\nmarkdown_extensions: [no_such_extension_xyz]\n")
        return real_run(config_path, site_dir, env)

    monkeypatch.setattr(export.build, "run_mkdocs", broken)
    with pytest.raises(CommandError) as failure:
        _export(out, built.src)
    assert failure.value.returncode == 1
    assert "导出失败" in str(failure.value) and "原有网站" in str(failure.value) and "保持不变" in str(failure.value)
    assert "no_such_extension_xyz" in str(failure.value)
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".site.build-*"))

    monkeypatch.setattr(export.build, "run_mkdocs", real_run)
    _export(out, built.src)
    assert tree_digest(out) == tree_digest(built.out)


def test_export_site__killed_mid_build_leaves_previous_site(built, tmp_path, monkeypatch):
    out = _copy_site(built, tmp_path)
    before = tree_digest(out)

    def killed(config_path: Path, site_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        (site_dir / "notices").mkdir(parents=True)
        (site_dir / "index.html").write_text("<html>半成品</html>", encoding="utf-8")
        (site_dir / "notices" / "partial.html").write_text("半成品", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(export.build, "run_mkdocs", killed)
    with pytest.raises(KeyboardInterrupt):
        export_site(out, built.src)
    assert tree_digest(out) == before


def test_export_site__stale_temp_dirs_of_a_killed_export_are_removed(built, tmp_path, monkeypatch):
    out = _copy_site(built, tmp_path)
    stale = tmp_path / ".site.build-deadbeef"
    (stale / "site").mkdir(parents=True)
    (stale / "site" / "index.html").write_text("半成品", encoding="utf-8")

    def fails(config_path: Path, site_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], 1, "", "ERROR - 模拟失败")

    monkeypatch.setattr(export.build, "run_mkdocs", fails)
    with pytest.raises(CommandError, match="模拟失败"):
        _export(out, built.src)
    assert not stale.exists()
    assert (out / "index.html").read_text(encoding="utf-8") == (built.out / "index.html").read_text(encoding="utf-8")


def test_export_site__incomplete_build_is_not_swapped_in(built, tmp_path, monkeypatch):
    out = _copy_site(built, tmp_path)
    before = tree_digest(out)

    def empty(config_path: Path, site_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        site_dir.mkdir(parents=True)
        (site_dir / "index.html").write_text("只有首页", encoding="utf-8")
        return subprocess.CompletedProcess([], 0, "", "")

    monkeypatch.setattr(export.build, "run_mkdocs", empty)
    with pytest.raises(CommandError, match="不完整"):
        _export(out, built.src)
    assert tree_digest(out) == before


def test_export_site__ledger_step_failure_keeps_previous_site_and_says_so(built, tmp_path, monkeypatch):
    out = _copy_site(built, tmp_path)
    before = tree_digest(out)
    crash = "import sys; sys.stderr.write('模拟：台账进程写入失败\\n'); sys.exit(3)"
    monkeypatch.setattr(export.downloads, "worker_command", lambda: [sys.executable, "-c", crash])
    with pytest.raises(CommandError) as failure:
        _export(out, built.src)
    message = str(failure.value)
    assert "台账文件生成失败" in message and "退出码 3" in message and "模拟：台账进程写入失败" in message
    assert "原有网站" in message and "保持不变" in message
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".site.build-*"))


def test_export_site__killed_ledger_step_keeps_previous_site(built, tmp_path, monkeypatch):
    out = _copy_site(built, tmp_path)
    before = tree_digest(out)
    killed = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    monkeypatch.setattr(export.downloads, "worker_command", lambda: [sys.executable, "-c", killed])
    with pytest.raises(CommandError, match="信号 9 终止"):
        _export(out, built.src)
    assert tree_digest(out) == before


def test_export_site__ledgers_go_straight_into_the_site_not_the_docs(built):
    assert not (built.src / "docs" / "downloads").exists()
    names = {path.name for path in (built.out / "downloads").iterdir()}
    assert {"tasks.csv", "tasks.xlsx", "tasks.json", "tasks-by-unit.xlsx"} <= names
    assert "台账：" in built.log and "与构建同时在另一进程中写入" in built.log


def test_export_site__defaults_to_the_settings_directories(built, tmp_path, settings, monkeypatch):
    settings.SITE_OUTPUT_DIR = tmp_path / "public"
    settings.SITE_SOURCE_DIR = tmp_path / "source"

    def copy_built(config_path: Path, site_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        shutil.copytree(built.out, site_dir)  # a real build is covered above; here only the wiring counts
        return subprocess.CompletedProcess([], 0, "", "")

    monkeypatch.setattr(export.build, "run_mkdocs", copy_built)
    stdout = io.StringIO()
    call_command("export_site", stdout=stdout)
    assert (tmp_path / "public" / "index.html").is_file()
    assert (tmp_path / "source" / "docs" / "index.md").is_file()
    assert str(tmp_path / "public") in stdout.getvalue()
