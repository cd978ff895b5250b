"""Admin URLs of 年度考核 (mounted under /admin/assessment/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("<int:pk>/ranking/", views.ranking_view, name="ranking"),
    path("<int:pk>/unit/<int:unit_pk>/", views.sheet_view, name="sheet"),
    path("<int:pk>/generate/", views.generate_view, name="generate"),
]
