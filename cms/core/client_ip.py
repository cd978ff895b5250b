"""The client address used to count failed logins (django-axes).

Behind nginx every request comes from the proxy's address, so throttling by
``REMOTE_ADDR`` would lock out everybody at once.  ``X-Forwarded-For`` is
written by the client, though: it is believed only when the request really
comes from a proxy listed in ``TRUSTED_PROXIES``, and then only the entries
that proxy appended (read from the right), so a forged first entry cannot
pick someone else's address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, seen through the trusted proxies."""
    trusted: set[str] = set(getattr(settings, "TRUSTED_PROXIES", []))
    remote = request.META.get("REMOTE_ADDR", "")
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Walk back through the chain of proxies we run; the first address that is
    # not one of ours is the client as our outermost proxy saw it.
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
