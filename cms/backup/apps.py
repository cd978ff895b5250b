from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Backup and restore: an app of its own, because it is an operation on the whole site, not core infrastructure."""

    name = "cms.backup"
    label = "backup"
    verbose_name = "备份与恢复"
