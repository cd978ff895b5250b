"""The upload form refuses a file over the input limit before the importer reads it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import UploadedFile

from cms.importer.forms import ImportForm
from cms.importer.parsing import MAX_FILE_BYTES


@pytest.mark.django_db
def test_import_form__a_file_over_the_limit_is_refused_naming_the_file_and_the_limit(admin_user):
    # Only the declared size counts here, so the test does not need 50 MB of memory.
    upload = UploadedFile(io.BytesIO(b"x"), name="大文件.txt", size=MAX_FILE_BYTES + 1)
    form = ImportForm(data={}, files={"file": upload}, user=admin_user)
    assert not form.is_valid()
    assert form.errors["file"] == ["大文件.txt：文件过大（50.0 MB），超过 50 MB 的上限。"]


@pytest.mark.django_db
def test_import_form__a_file_at_the_limit_passes_the_size_check(admin_user):
    upload = UploadedFile(io.BytesIO(b"x"), name="刚好.txt", size=MAX_FILE_BYTES)
    form = ImportForm(data={}, files={"file": upload}, user=admin_user)
    assert form.is_valid(), form.errors
