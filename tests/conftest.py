from __future__ import annotations

import pytest

from cms.documents.setup import ensure_site_structure


@pytest.fixture
def notice_index(db):
    return ensure_site_structure()


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "", "secret-pass-123")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
