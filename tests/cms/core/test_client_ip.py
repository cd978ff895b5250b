from __future__ import annotations

from django.test import RequestFactory

from cms.core.client_ip import client_ip


def request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/admin/login/", **headers)


def test_client_ip__direct_client_ignores_forwarded_for(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_client_ip__behind_trusted_proxy_takes_the_address_it_appended(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"


def test_client_ip__forged_first_entry_is_not_believed(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    # The client wrote "1.2.3.4" itself; nginx appended the real address.
    assert client_ip(request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_client_ip__chain_of_own_proxies_is_skipped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    assert client_ip(request("10.0.0.2", "198.51.100.7, 10.0.0.3")) == "198.51.100.7"


def test_client_ip__no_trusted_proxy_configured_uses_remote_addr(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("127.0.0.1", "198.51.100.7")) == "127.0.0.1"
