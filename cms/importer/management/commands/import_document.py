from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cms.importer.loader import DISCLOSURE_WORDS
from cms.importer.metadata import DocumentMeta, build_meta, read_sidecar
from cms.importer.parsing.tree import DocumentImportError
from cms.importer.service import import_documents, read_source


class Command(BaseCommand):
    help = "导入 Word（.docx）或文本（.txt）格式的公文，生成结构化页面并打印导入报告。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="要导入的文件")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布（默认只保存为草稿）")
        parser.add_argument("--dry-run", action="store_true", help="只解析并显示报告，不写入数据库")
        parser.add_argument(
            "--disclosure",
            choices=list(DISCLOSURE_WORDS),
            help="指定公开属性；不指定时以原文为准，原文未写明的按依申请公开保存",
        )
        # For files without a 版头; they win over the sidecar NAME.meta.toml, which wins over the text.
        parser.add_argument("--title", type=str, help="标题（原文没有或识别有误时填写）")
        parser.add_argument("--issuer", type=str, help="发文机关")
        parser.add_argument("--number", type=str, help="发文字号，如 晋政文〔2022〕201号")
        parser.add_argument("--date", type=str, help="成文日期，如 2022-11-23")
        parser.add_argument("--year", type=int, help="年度，如 2022")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sources = [(path.name, read_source(path)) for path in options["paths"]]
            given = {key: options[key] for key in ("title", "issuer", "number", "date", "year") if options[key]}
            stated = build_meta("命令行参数", given)
            metadata: dict[str, DocumentMeta] = {
                path.name: read_sidecar(path).merged(stated) for path in options["paths"]
            }
            outcomes = import_documents(
                sources,
                publish=options["publish"],
                disclosure=options["disclosure"],
                dry_run=options["dry_run"],
                progress=lambda message: self.stdout.write(message),
                metadata=metadata,
            )
        except DocumentImportError as error:
            raise CommandError(f"导入失败，未写入任何内容。{error}") from None
        for outcome in outcomes:
            self.stdout.write("")
            self.stdout.write(outcome.report_text())
        verb = (
            "试运行完成（未写入）" if options["dry_run"] else ("已导入并发布" if options["publish"] else "已导入为草稿")
        )
        self.stdout.write(self.style.SUCCESS(f"\n{verb}：{len(outcomes)} 个文件"))
