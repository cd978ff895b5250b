from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "cms.publishing"
    label = "publishing"
    verbose_name = "网站导出"

    def ready(self) -> None:
        # Publishing a document must queue an export; the receivers live in signals.py.
        from . import signals  # noqa: F401
