from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "cms.publishing"
    label = "publishing"
    verbose_name = "网站导出"

    def ready(self) -> None:
        # Imported here, not at the top: both modules import models, which must wait for the app registry.
        from cms.documents import preview

        from . import signals  # noqa: F401 - publishing a document must queue an export
        from .preview import ExportPreview

        preview.register(ExportPreview())
