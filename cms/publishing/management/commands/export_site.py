"""``manage.py export_site``: publish the static public site.

Thin on purpose: the work is in :mod:`export.build`, which tests and the
benchmark call directly.  This command only parses options, prints each
step and turns any failure into a one-paragraph Chinese message with exit
status 1 (editors never see a traceback; ``--traceback`` shows it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from export.build import ExportError, export_site


class Command(BaseCommand):
    help = (
        "导出主动公开的静态网站：快照 → Markdown → mkdocs 构建，成功后原子替换输出目录。"
        "默认增量（只重建有变化的页面）；主题、mkdocs.yml、手写部分或导出程序变化时自动全量。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help=f"网站输出目录（默认 {settings.SITE_OUTPUT_DIR}）。",
        )
        parser.add_argument(
            "--src",
            type=Path,
            default=None,
            help=f"MkDocs 源目录，生成的页面写入其中的 docs/（默认 {settings.SITE_SOURCE_DIR}）。",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="网站的公开地址，如 https://www.example.gov.cn/zwgk/aqsc/（用于 sitemap.xml，可省略）。",
        )

        parser.add_argument(
            "--full",
            action="store_true",
            help="全量导出：重建全部页面和台账（默认只重建内容有变化的页面，其余沿用上次导出的文件）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"] or Path(settings.SITE_OUTPUT_DIR)
        src = options["src"] or Path(settings.SITE_SOURCE_DIR)

        def progress(message: str) -> None:
            self.stdout.write(self.style.SUCCESS(message))

        try:
            result = export_site(out, src, base_url=options["base_url"], progress=progress, full=options["full"])
        except ExportError as error:
            raise CommandError(f"导出失败：{error}") from error
        except Exception as error:
            if options.get("traceback"):
                raise
            raise CommandError(
                f"导出失败：{type(error).__name__}：{error}。原有网站 {out} 保持不变；加 --traceback 可查看详细信息。"
            ) from error
        total = sum(result.timings.values())
        self.stdout.write(self.style.SUCCESS(f"完成：网站已更新 {result.out_dir}（共 {total:.1f} 秒）"))
