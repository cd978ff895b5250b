"""Users in the editorial groups, each with their own logged-in client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cms.workflow.setup import EDITORS, REVIEWERS, SIGNERS


@pytest.fixture
def make_user(db, django_user_model) -> Callable[..., Any]:
    def make(username: str, *groups: Group | str) -> Any:
        user = django_user_model.objects.create_user(username, "", "secret-pass-123")
        for group in groups:
            user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def login() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def editor(notice_index, make_user) -> Any:
    return make_user("editor", EDITORS)


@pytest.fixture
def reviewer(notice_index, make_user) -> Any:
    return make_user("reviewer", REVIEWERS)


@pytest.fixture
def signer(notice_index, make_user) -> Any:
    return make_user("signer", SIGNERS)
