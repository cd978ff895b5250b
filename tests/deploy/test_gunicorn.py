"""deploy/gunicorn.conf.py serves the admin under production settings, as behind nginx.

PostgreSQL only: production settings refuse any other database, and the login
page reads Wagtail's tables, so the server is pointed at the test run's own
PostgreSQL database (the second pass of scripts/test.sh).
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.production import PYTHON, ROOT, manage, production_environ

# django_db makes pytest-django create (and migrate) the test database the server uses.
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def postgres_url(django_db_setup) -> str:
    """A URL of the migrated test database, for another process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("生产设置只接受 PostgreSQL：此测试在 PostgreSQL 一遍（DATABASE_URL）中运行")
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Server:
    port: int
    log: Path

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def tail(self) -> str:
        """The end of gunicorn's log (access lines and tracebacks), for failure messages."""
        return self.log.read_text(errors="replace")[-4000:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn started the way the systemd unit starts it; yields its port.

    One server for the module: collectstatic (hashing and compressing the
    admin's files) takes most of a minute.
    """
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = production_environ(
        DATABASE_URL=postgres_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    collected = manage("collectstatic", "--noinput", "-v0", env=env, timeout=600)
    assert collected.returncode == 0, collected.stderr
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start listening within 60 s"
                time.sleep(0.3)
        yield Server(port, tmp_path / "gunicorn.log")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_gunicorn__admin_login_over_the_proxy_with_security_headers_and_css(gunicorn: Server):
    via_https = {"X-Forwarded-Proto": "https"}
    status, headers, body = gunicorn.get("/admin/login/", via_https)
    assert status == 200, gunicorn.tail()
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert "Secure" in headers["Set-Cookie"]
    html = body.decode()
    assert 'name="username"' in html

    stylesheets = re.findall(r'href="(/static/wagtailadmin/css/[^"]+\.css)"', html)
    assert stylesheets, "the login page links no admin stylesheet"
    # Hashed names from the manifest, so they can be cached for a year.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheets[0]), stylesheets[0]
    status, headers, css = gunicorn.get(stylesheets[0], {**via_https, "Accept-Encoding": "gzip"})
    assert status == 200, gunicorn.tail()
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert len(css) > 1000


def test_gunicorn__plain_http_is_redirected_to_https(gunicorn: Server):
    status, headers, _ = gunicorn.get("/admin/login/", {"X-Forwarded-Proto": "http"})
    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")
    assert headers["Location"].endswith("/admin/login/")
