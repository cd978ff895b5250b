from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter

from .views import PublicPagesAPIViewSet, PublicTasksAPIView

router = WagtailAPIRouter("wagtailapi")
router.register_endpoint("pages", PublicPagesAPIViewSet)

urlpatterns = [
    path("v2/tasks/", PublicTasksAPIView.as_view(), name="public-tasks"),
    path("v2/", router.urls),
]
