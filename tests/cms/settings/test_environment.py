from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.settings.environment import as_bool, as_list, media_origins, media_storage, required


def test_required__missing_variable_names_it_in_chinese():
    with pytest.raises(ImproperlyConfigured, match="缺少环境变量 DJANGO_SECRET_KEY。请设置"):
        required("DJANGO_SECRET_KEY", {}, hint="请设置一个随机字符串。")


def test_required__blank_counts_as_missing():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        required("DJANGO_ALLOWED_HOSTS", {"DJANGO_ALLOWED_HOSTS": "  "})


def test_required__present_value_is_stripped():
    assert required("X", {"X": " value\n"}) == "value"


def test_as_list__ignores_blanks_and_spaces():
    assert as_list(" cms.example.org, ,127.0.0.1,") == ["cms.example.org", "127.0.0.1"]


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("yes", True), ("0", False), ("off", False), ("", True)])
def test_as_bool__reads_common_spellings(text, expected):
    assert as_bool(text, default=True) is expected


def test_as_bool__unknown_value_is_an_error_not_a_default():
    with pytest.raises(ImproperlyConfigured, match="无法识别"):
        as_bool("maybe", default=False)


def test_media_storage__without_bucket_is_local_disk():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_origins(media_storage({})) == []


def test_media_storage__bucket_switches_to_s3_with_its_options():
    storage = media_storage(
        {
            "DJANGO_S3_BUCKET": "media",
            "DJANGO_S3_ENDPOINT_URL": "https://oss.example.gov.cn/",
            "DJANGO_S3_REGION": "cn-north-1",
            "DJANGO_S3_ACCESS_KEY_ID": "key",
            "DJANGO_S3_SECRET_ACCESS_KEY": "secret",
            "DJANGO_S3_ADDRESSING_STYLE": "path",
        }
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "media",
        "file_overwrite": False,
        "querystring_auth": False,
        "endpoint_url": "https://oss.example.gov.cn/",
        "region_name": "cn-north-1",
        "access_key": "key",
        "secret_key": "secret",
        "addressing_style": "path",
    }
    assert media_origins(storage) == ["https://oss.example.gov.cn"]


def test_media_origins__aws_bucket_and_custom_domain():
    aws = media_storage({"DJANGO_S3_BUCKET": "media"})
    assert media_origins(aws) == ["https://media.s3.amazonaws.com"]
    cdn = media_storage({"DJANGO_S3_BUCKET": "media", "DJANGO_S3_CUSTOM_DOMAIN": "static.example.gov.cn"})
    assert media_origins(cdn) == ["https://static.example.gov.cn", "https://media.s3.amazonaws.com"]
