"""deploy/nginx-public-*.conf served by a real nginx (Debian's nginx-light) on a loopback port.

The site is exported from one seed (with its ledgers); the deploy files are
used as written, only the two checkout paths (/srv/mubiao/site/ and
/srv/mubiao/deploy/) are pointed at the test's directories, inside a minimal
nginx.conf listening on 127.0.0.1.  Checked: the site answers under its
sub-path only, the export's .gz is sent to gzip clients, the CSP carries the
export's script hashes and frame-ancestors, Referrer-Policy, 404 page,
long cache for hashed theme files and search chunks, CSV as UTF-8 text saved under its
Chinese name (RFC 5987) at the path the pages link, a unit's calendar as UTF-8
text/calendar under its Chinese name, a unit new in a later export downloads
under its Chinese name with no nginx reload, and the nginx-* include files
are not served.
"""

from __future__ import annotations

import gzip
import http.client
import io
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import transaction

from cms.documents.models import NoticePage
from cms.documents.setup import ensure_site_structure
from cms.importer.service import import_documents
from export.serving import CSP_FILE, inline_script_hashes
from tests.factories import UnitFactory, make_attachment, make_letter, make_notice, paragraph, task_list

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SEED = next((ROOT / "content" / "seeds").glob("003_*.txt"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PREFIX = "/zwgk/aqsc/"


@pytest.fixture(scope="module")
def site_dir(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nginx-site")
    log = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        import_documents([(SEED.name, SEED.read_bytes())], publish=True, disclosure="主动公开")
        # 公开任务进展 on: the units get their public calendars (.ics) too.
        NoticePage.objects.update(publish_progress=True)
        # A 目标责任书, so the letters' search bundle (pagefind-letters/) is a real one.
        letter_text = [paragraph("镇政府对本镇消防安全工作负总责，落实消防车通道治理任务。" * 20)]
        letters = make_attachment(NoticePage.objects.first(), title="目标责任书", number=9, slug="letters")
        town = UnitFactory(name="服务测试镇")
        make_letter(letters, town, title="服务测试镇目标责任书", body=letter_text)
        call_command("export_site", "--out", str(root / "site"), "--src", str(root / "src"), stdout=log)
        transaction.set_rollback(True)
    assert "完成：" in log.getvalue(), log.getvalue()
    return root / "site"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Nginx:
    port: int

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def nginx(site_dir: Path, tmp_path_factory) -> Iterator[Nginx]:
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: scripts/test.sh installs Debian's nginx-light")
    work = tmp_path_factory.mktemp("nginx")
    deploy = work / "deploy"
    deploy.mkdir()
    for snippet in DEPLOY.glob("nginx-public-*.conf"):
        text = snippet.read_text(encoding="utf-8")
        text = text.replace("/srv/mubiao/site/", f"{site_dir}/").replace("/srv/mubiao/deploy/", f"{deploy}/")
        (deploy / snippet.name).write_text(text, encoding="utf-8")
    port = _free_port()
    temp = {name: work / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    (work / "nginx.conf").write_text(
        # As root nginx's workers would run as nobody, who cannot read pytest's private temp dirs.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {deploy}/nginx-public-map.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {deploy}/nginx-public-site.conf;
    }}
}}
""",
        encoding="utf-8",
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")])
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield Nginx(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_nginx__serves_the_site_under_its_sub_path_with_security_headers(nginx: Nginx, site_dir: Path):
    status, headers, body = nginx.get(PREFIX)
    assert status == 200 and "安全生产和消防工作目标责任" in body.decode("utf-8")
    assert headers["content-type"] == "text/html; charset=utf-8"
    csp = headers["content-security-policy"]
    hashes = inline_script_hashes(site_dir)
    assert hashes and all(h in csp for h in hashes)
    assert "frame-ancestors 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert nginx.get("/index.html")[0] == 404  # outside the column


def test_nginx__gzip_static_and_long_cache_for_hashed_assets(nginx: Nginx, site_dir: Path):
    status, headers, body = nginx.get(f"{PREFIX}index.html", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert body == (site_dir / "index.html.gz").read_bytes()
    assert gzip.decompress(body) == (site_dir / "index.html").read_bytes()
    assert "accept-encoding" in headers.get("vary", "").lower()

    bundle = next((site_dir / "assets" / "javascripts").glob("bundle.*.min.js")).name
    status, headers, _ = nginx.get(f"{PREFIX}assets/javascripts/{bundle}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert "immutable" in headers["cache-control"] and "max-age=31536000" in headers["cache-control"]
    assert "content-security-policy" in headers  # headers kept inside nested locations


@pytest.mark.parametrize("bundle", ["pagefind", "pagefind-letters"])
def test_nginx__search_files_script_gzipped_chunks_cached_for_a_year(nginx: Nginx, site_dir: Path, bundle: str):
    """Both search bundles (export/search_index.py): the main one and the 目标责任书'."""
    status, headers, body = nginx.get(f"{PREFIX}{bundle}/pagefind.js", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == (site_dir / bundle / "pagefind.js").read_bytes()
    assert headers["content-type"].startswith("application/javascript")  # a module script needs a JS type
    assert "content-security-policy" in headers and "'wasm-unsafe-eval'" in headers["content-security-policy"]
    assert "immutable" not in headers.get("cache-control", "")  # its name does not change with its content
    for kind in ("fragment", "index"):
        chunk = next((site_dir / bundle / kind).iterdir())
        status, headers, body = nginx.get(f"{PREFIX}{bundle}/{kind}/{chunk.name}")
        assert status == 200 and body == chunk.read_bytes()
        assert "immutable" in headers["cache-control"] and "max-age=31536000" in headers["cache-control"]
        assert "content-security-policy" in headers


def test_nginx__404_page_and_config_files_not_served(nginx: Nginx):
    status, headers, body = nginx.get(f"{PREFIX}no/such/page.html")
    assert status == 404 and "md-header" in body.decode("utf-8")
    assert "content-security-policy" in headers
    assert nginx.get(f"{PREFIX}{CSP_FILE}")[0] == 404


def _linked_downloads(page: Path, fmt: str) -> list[str]:
    """The site paths of the ``fmt`` downloads a built page links, as written (percent-encoded)."""
    links = re.findall(rf'href="((?:\.\./)*downloads/[^"]+\.{fmt})"', page.read_text(encoding="utf-8"))
    return [re.sub(r"^(?:\.\./)*", "", link) for link in links]


def _saved_name(headers: dict[str, str]) -> str:
    disposition = headers["content-disposition"]
    assert disposition.startswith("attachment;") and disposition.isascii(), disposition
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def test_nginx__csv_ledger_is_utf8_text_saved_under_its_chinese_name(nginx: Nginx, site_dir: Path):
    notice = next(p for p in (site_dir / "notices").glob("*.html") if _linked_downloads(p, "csv"))
    csv = _linked_downloads(notice, "csv")[0]
    assert re.fullmatch(r"downloads/notice-[A-Za-z0-9_-]+/[A-Za-z0-9%._~-]+\.csv", csv), csv
    status, headers, body = nginx.get(f"{PREFIX}{csv}")
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8"
    name = _saved_name(headers)
    assert name == unquote(csv.rsplit("/", 1)[1]) and name.endswith("任务台账.csv"), name
    assert 'filename="download.csv"' in headers["content-disposition"]
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs, untouched
    xlsx = _linked_downloads(notice, "xlsx")[0]
    status, headers, _ = nginx.get(f"{PREFIX}{xlsx}")
    assert status == 200 and headers["content-type"].startswith("application/vnd.openxmlformats")
    assert _saved_name(headers).endswith("任务台账.xlsx")
    # The ASCII file beside it, for scripts; a name the export never wrote is not served.
    stem = csv.split("/")[1]
    status, headers, ascii_body = nginx.get(f"{PREFIX}downloads/{stem}.csv")
    assert status == 200 and ascii_body == body and headers["content-disposition"] == "attachment"
    assert nginx.get(f"{PREFIX}downloads/{stem}/%E4%BB%BB%E6%84%8F.csv")[0] == 404


def test_nginx__unit_calendar_is_utf8_text_calendar_saved_under_its_chinese_name(nginx: Nginx, site_dir: Path):
    pages = sorted(p for p in (site_dir / "units").glob("*.html") if _linked_downloads(p, "ics"))
    assert pages, "the seed's notice publishes its progress, so its units have calendars"
    calendar = _linked_downloads(pages[0], "ics")[0]
    status, headers, body = nginx.get(f"{PREFIX}{calendar}")
    assert status == 200, headers
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"BEGIN:VEVENT" in body
    assert 'filename="download.ics"' in headers["content-disposition"]
    assert _saved_name(headers).endswith("任务日历.ics")
    # The precompressed copy goes to gzip clients with the same type.
    status, headers, packed = nginx.get(f"{PREFIX}{calendar}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    if headers.get("content-encoding") == "gzip":
        assert gzip.decompress(packed) == body


def test_nginx__a_unit_new_in_a_later_export_downloads_under_its_chinese_name_without_reload(
    nginx: Nginx, site_dir: Path, django_db_blocker
):
    """The names come from the request, not from a table nginx read at start: no reload after an export.

    Runs last: it swaps a second export in under the running nginx.
    """
    log = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        import_documents([(SEED.name, SEED.read_bytes())], publish=True, disclosure="主动公开")
        town = UnitFactory(name="新设镇")
        notice = make_notice(ensure_site_structure(), title="关于下达新设镇2023年度目标责任的通知", year=2023)
        make_attachment(notice, body=[task_list([{"task": "建设微型消防站", "units": [(town, "lead")]}])])
        call_command("export_site", "--out", str(site_dir), "--src", str(site_dir.parent / "src"), stdout=log)
        transaction.set_rollback(True)
    assert "完成：" in log.getvalue(), log.getvalue()
    pages = [p for p in (site_dir / "units").glob("*.html") if p.name != "index.html"]
    page = next(p for p in pages if "<h1" in (text := p.read_text(encoding="utf-8")) and "新设镇任务台账" in text)
    csv = _linked_downloads(page, "csv")[0]
    status, headers, body = nginx.get(f"{PREFIX}{csv}")
    assert status == 200, csv
    assert _saved_name(headers) == "2023年-新设镇-任务台账.csv"
    assert "建设微型消防站" in body.decode("utf-8-sig")
