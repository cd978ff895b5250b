from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cms.core"
    label = "core"
    verbose_name = "公共组件"

    def ready(self) -> None:
        # Both patch Wagtail admin classes, whose modules import models: only once the app registry is ready.
        from cms.core import csp

        from .threadsafe import patch_contentstate_converter

        csp.install()
        patch_contentstate_converter()
