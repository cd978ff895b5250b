"""``manage.py restore_data FILE``: restore a ``backup_data`` archive into an empty database.

Thin on purpose: the work is in :mod:`cms.backup.restore`. A refused or broken
archive, or a database that already holds content, ends with a Chinese
message naming the file and exit status 1, with nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cms.backup.restore import check_target, restore_backup
from cms.backup.service import BackupError, open_archive


class Command(BaseCommand):
    help = "从 backup_data 生成的备份文件恢复数据库和媒体文件（先校验备份，再迁移数据库并载入）。目标数据库须为空。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件（.zip）")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="目标数据库已有内容时，用备份覆盖其中全部数据（默认拒绝）。",
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验备份文件和目标数据库，不写入任何内容。")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]

        def progress(message: str) -> None:
            self.stdout.write(self.style.SUCCESS(message))

        try:
            if options["dry_run"]:
                archive = open_archive(path)
                with archive.zip:
                    check_target(archive, replace=options["replace"])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"试运行完成（未写入）：{path} 校验通过，{len(archive.manifest['tables'])} 张表 "
                        f"{archive.rows} 行，{len(archive.manifest['media'])} 个媒体文件，可以恢复。"
                    )
                )
                return
            result = restore_backup(path, replace=options["replace"], progress=progress)
        except BackupError as error:
            raise CommandError(f"恢复失败：{error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：已从 {path} 恢复 {result.models} 张表 {result.rows} 行、"
                f"{result.media_files} 个媒体文件（{result.seconds:.1f} 秒）"
            )
        )
