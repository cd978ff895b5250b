from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from cms.documents.setup import ensure_site_structure


class Command(BaseCommand):
    help = "创建站点结构（首页、公文库）和管理员账号；可重复执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin-username", default=os.environ.get("DEMO_ADMIN_USERNAME", "admin"))
        parser.add_argument(
            "--admin-password",
            default=os.environ.get("DEMO_ADMIN_PASSWORD", ""),
            help="管理员密码；不提供时随机生成并打印。",
        )
        parser.add_argument("--dry-run", action="store_true", help="只显示将要做的事，不写数据库。")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = options["admin_username"]
        exists = User.objects.filter(username=username).exists()
        if options["dry_run"]:
            self.stdout.write(f"将创建站点结构；管理员 {username} {'已存在' if exists else '将被创建'}。")
            return
        with transaction.atomic():
            index = ensure_site_structure()
            self.stdout.write(self.style.SUCCESS(f"站点结构就绪：{index.get_parent().title} → {index.title}"))
            if exists:
                self.stdout.write(f"管理员账号 {username} 已存在，未修改密码。")
                return
            password = options["admin_password"] or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"已创建管理员账号：用户名 {username}  密码 {password}"))
