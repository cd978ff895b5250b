"""The site's URLs plus a stand-in ``units_merge`` route, for report tests that follow merge links.

The real merge view is built separately; the report only needs ``merge_url``
to reverse, and the link's query (keep, absorb) is what the tests check.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from cms.urls import urlpatterns as site_urlpatterns


def _merge_stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("merge")


urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/units/merge/", _merge_stand_in, name="units_merge"),
    *site_urlpatterns,
]
