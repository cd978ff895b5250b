from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cms.core"
    label = "core"
    verbose_name = "公共组件"

    def ready(self) -> None:
        from .threadsafe import patch_contentstate_converter

        patch_contentstate_converter()
