"""Search-as-you-type for the grid's 责任单位 field: units whose name or alias contains the query."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

MAX_RESULTS = 20


@require_GET
def unit_search(request: HttpRequest) -> JsonResponse:
    """Wagtail's admin URL hook already requires an admin login; unit names are no secret to editors."""
    query = (request.GET.get("q") or "").strip()
    unit_model = apps.get_model("units", "Unit")
    units = unit_model.objects.all()
    if query:
        units = units.filter(Q(name__icontains=query) | Q(aliases__name__icontains=query)).distinct()
    results = [
        {"id": pk, "name": name}
        for pk, name in units.order_by("sort_order", "name").values_list("pk", "name")[:MAX_RESULTS]
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
