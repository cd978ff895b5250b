from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.RunIndexView.as_view(), name="index"),
    path("export/", views.trigger_export, name="trigger"),
    path("<int:pk>/", views.RunDetailView.as_view(), name="detail"),
    path("<int:pk>/status.json", views.run_status, name="status"),
]
