from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "cms.ledger"
    label = "ledger"
    verbose_name = "任务台账"

    def ready(self) -> None:
        from . import signals  # noqa: F401
