"""``manage.py backup_data``: one archive of the database and the media files.

Thin on purpose: the work is in :mod:`cms.backup.service`; this command parses
options, prints progress and turns a refusal into a Chinese message with
exit status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cms.backup.service import BackupError, create_backup, default_backup_path


class Command(BaseCommand):
    help = "备份数据库（一次一致的快照）和媒体文件，写成一个带校验清单的备份文件（.zip）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help=f"备份文件路径（默认 {default_backup_path().parent}/backup-日期-时间.zip）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(message: str) -> None:
            self.stdout.write(self.style.SUCCESS(message))

        try:
            result = create_backup(options["out"], progress=progress)
        except BackupError as error:
            raise CommandError(f"备份失败：{error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：备份已写入 {result.path}（{result.models} 张表 {result.rows} 行，"
                f"{result.media_files} 个媒体文件，{result.size} 字节，{result.seconds:.1f} 秒）"
            )
        )
