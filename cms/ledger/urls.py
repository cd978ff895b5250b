"""Admin URLs of 登记进展, 复核 and the unit calendars (mounted under /admin/ledger/progress/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "ledger_progress"

urlpatterns = [
    path("report/<int:pk>/", views.report_view, name="report"),
    path("review/<int:pk>/", views.review_view, name="review"),
    path("calendar/<int:unit_pk>.ics", views.calendar_view, name="calendar"),
]
