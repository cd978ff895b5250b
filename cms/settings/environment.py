"""Reading deployment configuration from environment variables.

Kept apart from the settings modules so that each rule (what is required,
how lists are written, when media goes to S3) is a plain function a test can
call with a made-up environment, without re-importing Django settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Variables that switch user-uploaded media (images, documents) to an
# S3-compatible object store; without the bucket, media stay on local disk.
S3_BUCKET = "DJANGO_S3_BUCKET"


def required(name: str, environ: Mapping[str, str] | None = None, *, hint: str = "") -> str:
    """The value of ``name``; a missing or empty variable stops start-up with a Chinese message.

    An operator who forgets a secret must learn which variable is missing
    and what to put in it, instead of reading a KeyError traceback.
    """
    value = (os.environ if environ is None else environ).get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"缺少环境变量 {name}。{hint}".rstrip())
    return value


def as_list(value: str) -> list[str]:
    """Split a comma-separated variable, ignoring blanks, so ``"a, b,"`` means ``["a", "b"]``."""
    return [item.strip() for item in value.split(",") if item.strip()]


def as_bool(value: str | None, default: bool) -> bool:
    """Read 1/0, true/false, yes/no, on/off; anything else is an error rather than a silent default."""
    if value is None or value.strip() == "":
        return default
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"无法识别的开关值“{value}”：请写 1 或 0")


def media_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry: local ``MEDIA_ROOT``, or S3-compatible storage when a bucket is named.

    One machine keeps media on its disk.  Several application servers must
    share them, so naming ``DJANGO_S3_BUCKET`` moves every upload to an
    object store (AWS S3, MinIO, Ceph, a cloud vendor's OSS with an S3 API).
    """
    bucket = environ.get(S3_BUCKET, "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Uploaded files keep their names; a second upload with the same
        # name gets a suffix instead of replacing the first.
        "file_overwrite": False,
        "querystring_auth": as_bool(environ.get("DJANGO_S3_SIGNED_URLS"), default=False),
    }
    for variable, option in (
        ("DJANGO_S3_ENDPOINT_URL", "endpoint_url"),
        ("DJANGO_S3_REGION", "region_name"),
        ("DJANGO_S3_ACCESS_KEY_ID", "access_key"),
        ("DJANGO_S3_SECRET_ACCESS_KEY", "secret_key"),
        ("DJANGO_S3_CUSTOM_DOMAIN", "custom_domain"),
        ("DJANGO_S3_LOCATION", "location"),
    ):
        value = environ.get(variable, "").strip()
        if value:
            options[option] = value
    if environ.get("DJANGO_S3_ADDRESSING_STYLE", "").strip():
        options["addressing_style"] = environ["DJANGO_S3_ADDRESSING_STYLE"].strip()
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def media_origins(storage: Mapping[str, Any]) -> list[str]:
    """Origins the admin must be allowed to load media from (for the Content-Security-Policy).

    Images uploaded to S3 are shown in the admin from the store's host, so
    that host joins ``img-src``/``media-src``; local media are same-origin.
    """
    options = storage.get("OPTIONS", {})
    origins: list[str] = []
    if options.get("custom_domain"):
        origins.append(f"https://{options['custom_domain']}")
    if options.get("endpoint_url"):
        origins.append(options["endpoint_url"].rstrip("/"))
    elif storage.get("BACKEND", "").startswith("storages.") and options.get("bucket_name"):
        origins.append(f"https://{options['bucket_name']}.s3.amazonaws.com")
    return origins
