"""Files the export prepares for nginx: .gz beside text files, CSP script hashes, named download links."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path
from urllib.parse import unquote

from export.serving import (
    CSP_FILE,
    compress_site,
    download_file_name,
    named_download,
    named_download_url,
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
    assert not list(site.glob("nginx-downloads*"))  # no map for nginx to load: names travel in the URL


def _ledger(site: Path, stem: str, fmts: tuple[str, ...] = ("csv", "xlsx", "json")) -> None:
    (site / "downloads").mkdir(exist_ok=True)
    for fmt in fmts:
        (site / "downloads" / f"{stem}.{fmt}").write_text(f"{stem}-{fmt}," + "安全" * 400, encoding="utf-8")


def test_download_file_name__no_path_characters_and_the_url_is_all_percent_encoded():
    assert download_file_name("晋江市/2022年度:目标责任", "csv") == "晋江市 2022年度 目标责任.csv"
    url = named_download_url("notice-a", "2022年-晋政文〔2022〕201号 (x);#-任务台账", "csv")
    stem, name = url.removeprefix("downloads/notice-a/"), url
    assert stem.isascii() and " " not in stem and "(" not in stem and ";" not in stem and "#" not in stem, name
    assert unquote(stem) == "2022年-晋政文〔2022〕201号 (x);#-任务台账.csv"


def test_prepare_for_serving__each_ledger_linked_under_its_chinese_name_with_its_gz(tmp_path):
    site = _site(tmp_path)
    _ledger(site, "unit-a")
    _ledger(site, "unit-b")
    (site / "downloads" / "unit-a.ics").write_text("BEGIN:VCALENDAR\r\n" + "X-A:安全\r\n" * 100, encoding="utf-8")
    prepare_for_serving(site, [("unit-a", "2022年-甲镇-任务台账"), ("unit-b", "乙镇")], [("unit-a", "甲镇任务日历")])
    for stem, title, fmt in [
        ("unit-a", "2022年-甲镇-任务台账", "csv"),
        ("unit-a", "2022年-甲镇-任务台账", "xlsx"),
        ("unit-b", "乙镇", "json"),
        ("unit-a", "甲镇任务日历", "ics"),
    ]:
        named, original = site / named_download(stem, title, fmt), site / "downloads" / f"{stem}.{fmt}"
        assert named.is_file() and named.stat().st_ino == original.stat().st_ino, named
    named_csv = site / named_download("unit-a", "2022年-甲镇-任务台账", "csv")
    assert named_csv.name == "2022年-甲镇-任务台账.csv"
    # One .gz per ledger file, shared by its named link (gzip_static finds it beside either path).
    gz = Path(f"{named_csv}.gz")
    assert gz.stat().st_ino == (site / "downloads" / "unit-a.csv.gz").stat().st_ino
    assert not (site / named_download("unit-b", "乙镇", "ics")).exists()  # no calendar, no link


def test_prepare_for_serving__run_twice_keeps_one_link_and_follows_a_rewritten_file(tmp_path):
    site = _site(tmp_path)
    _ledger(site, "unit-a", ("csv",))
    prepare_for_serving(site, [("unit-a", "甲镇")])
    (site / "downloads" / "unit-a.csv").unlink()
    (site / "downloads" / "unit-a.csv").write_text("新的台账" * 300, encoding="utf-8")
    prepare_for_serving(site, [("unit-a", "甲镇")])
    assert (site / named_download("unit-a", "甲镇", "csv")).read_text(encoding="utf-8") == "新的台账" * 300
    assert len(list((site / "downloads" / "unit-a").iterdir())) == 2  # the csv and its .gz


def test_compress_site__calendar_gets_a_gz_like_other_text(tmp_path):
    site = _site(tmp_path)
    (site / "downloads").mkdir()
    (site / "downloads" / "unit-a.ics").write_text("BEGIN:VCALENDAR\r\n" + "X-A:安全\r\n" * 100, encoding="utf-8")
    compress_site(site)
    assert (site / "downloads" / "unit-a.ics.gz").is_file()
