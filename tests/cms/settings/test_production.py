"""cms/settings/production.py, loaded in a fresh interpreter with an operator's environment."""

from __future__ import annotations

import json
import socket

import boto3
import pytest

from tests.production import manage, production_environ, run_python


def test_production__check_deploy_reports_no_issue():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environ())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper().replace("LEVEL=INFO", "")


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "缺少环境变量 DJANGO_SECRET_KEY"),
        ("DJANGO_ALLOWED_HOSTS", "缺少环境变量 DJANGO_ALLOWED_HOSTS"),
        ("DATABASE_URL", "生产环境必须通过 DATABASE_URL 指定 PostgreSQL 数据库"),
    ],
)
def test_production__missing_variable_stops_start_up_in_chinese(missing, message):
    result = manage("check", env=production_environ(**{missing: None}))
    assert result.returncode != 0
    assert message in result.stderr


def test_production__sqlite_database_is_refused():
    result = manage("check", env=production_environ(DATABASE_URL="sqlite:///db.sqlite3"))
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "storage": settings.STORAGES["default"]["BACKEND"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "media_root": str(settings.MEDIA_ROOT),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "log_level": settings.LOGGING["root"]["level"],
    "secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT],
    "hsts": settings.SECURE_HSTS_SECONDS,
    "middleware": settings.MIDDLEWARE[:3],
}))
"""


def show(**overrides: str | None) -> dict:
    result = run_python(SHOW, production_environ(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production__media_on_local_disk_by_default(tmp_path):
    shown = show(MEDIA_ROOT=str(tmp_path / "media"), DJANGO_LOG_LEVEL="warning")
    assert shown["storage"] == "django.core.files.storage.FileSystemStorage"
    assert shown["media_root"] == str(tmp_path / "media")
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shown["img_src"] == ["'self'", "data:", "blob:"]
    assert shown["log_level"] == "WARNING"
    assert shown["secure"] == [True, True, True]
    assert shown["hsts"] >= 31536000
    assert shown["middleware"][:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_production__bucket_switches_media_to_s3_and_allows_its_images():
    shown = show(DJANGO_S3_BUCKET="media", DJANGO_S3_ENDPOINT_URL="https://oss.example.gov.cn")
    assert shown["storage"] == "storages.backends.s3.S3Storage"
    assert shown["img_src"] == ["'self'", "data:", "blob:", "https://oss.example.gov.cn"]


@pytest.fixture
def s3_server():
    """A local S3-compatible server (moto's), reached over real HTTP on a loopback port."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


UPLOAD = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
storage = storages["default"]
name = storage.save("documents/通知.txt", ContentFile("此件主动公开".encode()))
print(type(storage).__name__, name, storage.url(name), sep="\\n")
"""


def test_production__uploads_go_to_the_s3_bucket(s3_server):
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test-secret", "region_name": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=s3_server, **credentials)
    s3.create_bucket(Bucket="media")
    env = production_environ(
        DJANGO_S3_BUCKET="media",
        DJANGO_S3_ENDPOINT_URL=s3_server,
        DJANGO_S3_REGION="us-east-1",
        DJANGO_S3_ACCESS_KEY_ID="test",
        DJANGO_S3_SECRET_ACCESS_KEY="test-secret",
        DJANGO_S3_ADDRESSING_STYLE="path",
    )
    result = run_python(UPLOAD, env)
    assert result.returncode == 0, result.stderr
    storage_class, name, url = result.stdout.strip().splitlines()[-3:]
    assert storage_class == "S3Storage"
    assert url.startswith(f"{s3_server}/media/documents/")
    body = s3.get_object(Bucket="media", Key=name)["Body"].read()
    assert body.decode() == "此件主动公开"


EMAIL = """
import json
from django.conf import settings
print(json.dumps([settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), settings.DEFAULT_FROM_EMAIL]))
"""


def test_production__approval_mail_goes_to_the_configured_relay_or_nowhere():
    def email(**overrides: str | None) -> list[str]:
        result = run_python(EMAIL, production_environ(**overrides))
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    backend, _, sender = email(DJANGO_EMAIL_HOST=None)
    assert backend.endswith("dummy.EmailBackend")
    assert sender.startswith("noreply@")
    backend, host, _ = email(DJANGO_EMAIL_HOST="smtp.example.gov.cn")
    assert backend.endswith("smtp.EmailBackend")
    assert host == "smtp.example.gov.cn"
