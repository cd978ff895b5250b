"""Files the export prepares for nginx: .gz beside text files, CSP script hashes, download names."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path
from urllib.parse import unquote

from export.serving import (
    CSP_FILE,
    DOWNLOAD_NAMES_FILE,
    compress_site,
    content_disposition,
    prepare_for_serving,
)


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "notices").mkdir(parents=True)
    (site / "index.html").write_text("<html><script>var a = 1;</script>" + "公开" * 400 + "</html>", encoding="utf-8")
    (site / "notices" / "a.html").write_text("<script>var b = 2;</script><script>var a = 1;</script>", encoding="utf-8")
    (site / "logo.png").write_bytes(b"\x89PNG" + b"\0" * 2000)
    return site


def test_compress_site__gz_beside_text_files_same_bytes_every_time(tmp_path):
    site = _site(tmp_path)
    assert compress_site(site) == 1  # a.html is too small to be worth it, the PNG is not text
    (site / "sitemap.xml").write_text("x" * 600, encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(b"dated by mkdocs")
    first = (site / "index.html.gz").read_bytes()
    assert gzip.decompress(first) == (site / "index.html").read_bytes()
    assert not (site / "logo.png.gz").exists() and not (site / "notices" / "a.html.gz").exists()
    compress_site(site)
    assert (site / "index.html.gz").read_bytes() == first
    assert (site / "sitemap.xml.gz").read_bytes() == b"dated by mkdocs"


def test_prepare_for_serving__csp_lists_each_inline_script_once(tmp_path):
    site = _site(tmp_path)
    prepare_for_serving(site, [("notice-a", "2022年度目标责任/台账")])
    csp = (site / CSP_FILE).read_text(encoding="utf-8")
    for script in ("var a = 1;", "var b = 2;"):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert csp.count(f"'sha256-{digest}'") == 1
    assert "frame-ancestors 'self'" in csp and csp.startswith("# ")
    names = (site / DOWNLOAD_NAMES_FILE).read_text(encoding="utf-8")
    assert '"notice-a.csv" "attachment; filename=\\"ledger.csv\\"; filename*=UTF-8\'\'' in names


def test_content_disposition__rfc5987_name_without_path_characters():
    value = content_disposition("晋江市/2022年度:目标责任", "csv")
    name = unquote(value.split("filename*=UTF-8''", 1)[1])
    assert name == "晋江市 2022年度 目标责任.csv"
    assert value.isascii()


def test_prepare_for_serving__calendar_saved_under_its_chinese_name_only_where_there_is_one(tmp_path):
    site = _site(tmp_path)
    prepare_for_serving(site, [("unit-a", "甲镇任务台账"), ("unit-b", "乙镇任务台账")], [("unit-a", "甲镇任务日历")])
    lines = (site / DOWNLOAD_NAMES_FILE).read_text(encoding="utf-8").splitlines()
    calendar = [line for line in lines if line.startswith('"unit-a.ics"')]
    assert len(calendar) == 1 and 'filename=\\"calendar.ics\\"' in calendar[0]
    assert unquote(calendar[0].split("filename*=UTF-8''", 1)[1].rstrip('";')) == "甲镇任务日历.ics"
    assert not [line for line in lines if line.startswith('"unit-b.ics"')]


def test_compress_site__calendar_gets_a_gz_like_other_text(tmp_path):
    site = _site(tmp_path)
    (site / "downloads").mkdir()
    (site / "downloads" / "unit-a.ics").write_text("BEGIN:VCALENDAR\r\n" + "X-A:安全\r\n" * 100, encoding="utf-8")
    compress_site(site)
    assert (site / "downloads" / "unit-a.ics.gz").is_file()
