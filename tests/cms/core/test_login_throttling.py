"""Password guessing on the Wagtail admin login is throttled by django-axes (settings in cms/settings/base.py)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.9"


@pytest.fixture
def throttled(settings):
    """Axes as in production (the test settings switch it off for the test client's login())."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXIES = []
    return settings


@pytest.fixture
def editor(db, django_user_model):
    django_user_model.objects.create_user("editor", "editor@example.com", PASSWORD, is_superuser=True)
    django_user_model.objects.create_user("reviewer", "reviewer@example.com", PASSWORD, is_superuser=True)


def attempt(client, username: str, password: str, address: str = ATTACKER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def guess(client, username: str = "editor", times: int = 5, address: str = ATTACKER) -> None:
    for _ in range(times):
        attempt(client, username, "wrong-password", address)


def test_login__correct_password_logs_in(throttled, editor, client):
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_login__four_failures_do_not_lock_out(throttled, editor, client):
    guess(client, times=4)
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_login__five_failures_refuse_even_the_correct_password(throttled, editor, client):
    guess(client)
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂时锁定" in text
    assert "连续登录失败 5 次" in text
    assert "分钟后再试" in text
    assert "_auth_user_id" not in client.session


def test_login__lockout_spares_other_users_and_other_addresses(throttled, editor, client, django_user_model):
    guess(client)
    assert logged_in(attempt(client, "reviewer", PASSWORD))
    client.logout()
    assert logged_in(attempt(client, "editor", PASSWORD, address="198.51.100.20"))


def test_login__works_again_after_cool_off(throttled, editor, client):
    throttled.AXES_COOLOFF_TIME = timedelta(seconds=1)
    guess(client)
    assert attempt(client, "editor", PASSWORD).status_code == 429
    time.sleep(1.2)
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_login__admin_reset_command_lifts_the_lockout(throttled, editor, client):
    guess(client)
    assert attempt(client, "editor", PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor")
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_login__forwarded_for_counts_only_behind_the_trusted_proxy(throttled, editor, client):
    """Behind nginx, clients are told apart by the address nginx appended; a forged header is ignored otherwise."""
    throttled.TRUSTED_PROXIES = ["10.0.0.2"]

    def via_proxy(password: str, client_address: str):
        return client.post(
            LOGIN,
            {"username": "editor", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for _ in range(5):
        via_proxy("wrong-password", ATTACKER)
    assert via_proxy(PASSWORD, ATTACKER).status_code == 429
    # Another client behind the same proxy is not locked out with the attacker.
    assert logged_in(via_proxy(PASSWORD, "198.51.100.20"))
