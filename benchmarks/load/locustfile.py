"""Locust users for ``benchmarks/bench_load.py``: editors saving pages, approvers approving.

Run by the driver, which writes the plan (accounts, password, pages) to the
JSON file named by ``LOAD_PLAN`` and reads what the clients did from
``LOAD_RESULTS`` afterwards. Every request goes to the real admin views over
HTTP, as a browser sends it. The StreamField form is built by JavaScript in
a browser, so an editor builds the same POST from the revision the rendered
edit view names as loaded (``opened_form_data``, the helper the tests use):
that is why this process sets up Django and reads the database, read-only.

Outcomes an editor can meet, all expected under concurrency and none an
error: saved; refused as out of date (someone saved in between; the editor
re-opens the page and re-applies the change, as a careful person would);
refused because the page went into approval meanwhile (the change is
abandoned). Anything else is a failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.load")
django.setup()

from django.db import close_old_connections  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402

from tests.edit_form import opened_form_data  # noqa: E402

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
RESULTS: dict[str, list[Any]] = {"saved": [], "refused": [], "conflicts": [], "abandoned": [], "approved": []}

UPDATED = "已被更新"  # Wagtail: 页面 '…' 已被更新。
SUBMITTED = "已经提交进行审核"
CONFLICT = "保存未完成"
LOCKED = "页面已锁定，无法保存。"
IN_MODERATION = "只有此步骤的审批人可以编辑"
DETAIL_KEY = re.compile(r"^body-\d+-value-rows-\d+-value-detail$")
APPROVE_URL = re.compile(r'data-workflow-action-url="(/admin/pages/workflow/action/\d+/approve/\d+/)"')
SUBMIT_SHARE = 0.15
MAX_RETRIES = 2


@events.quitting.add_listener
def write_results(environment: Any, **_: Any) -> None:
    with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump(RESULTS, out, ensure_ascii=False)


class AdminUser(HttpUser):
    """Logs in once through the admin login form with one of the plan's accounts."""

    abstract = True
    accounts: list[str] = []

    def on_start(self) -> None:
        self.username = self.accounts.pop(0)
        self.client.get("/admin/login/", name="登录页")
        response = self.client.post(
            "/admin/login/",
            {"username": self.username, "password": PLAN["password"], "csrfmiddlewaretoken": self.csrf()},
            name="登录",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} 登录失败：{response.status_code}")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Editor(AdminUser):
    weight = 20
    fixed_count = 20
    wait_time = between(1, 3)
    accounts = list(PLAN["editors"])

    def open(self, page_id: int) -> str | None:
        with self.client.get(f"/admin/pages/{page_id}/edit/", name="编辑：打开", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"打开编辑页 {response.status_code} {response.error or ''}")
                return None
            return response.text

    def form_with_marker(self, html: str, page_id: int, marker: str) -> tuple[dict[str, str], str]:
        """The browser's POST after the editor appends ``marker`` to one task's 工作内容."""
        try:
            data = opened_form_data(html)
        finally:
            close_old_connections()
        key = random.choice(sorted(k for k in data if DETAIL_KEY.match(k)))
        data[key] = f"{data[key]} {marker}".strip()
        return data, key

    @task
    def edit_a_page(self) -> None:
        page_id = random.choice(PLAN["pages"])
        marker = f"LOADMK{uuid.uuid4().hex[:12]}"
        submit = random.random() < SUBMIT_SHARE
        for attempt in range(MAX_RETRIES + 1):
            html = self.open(page_id)
            if html is None:
                return
            if IN_MODERATION in html:  # the page is in approval: an editor cannot change it and leaves
                RESULTS["abandoned"].append({"page": page_id, "why": "审批中"})
                return
            data, _ = self.form_with_marker(html, page_id, marker)
            if submit:
                data["action-submit"] = "action-submit"
            name = ("编辑：提交审批" if submit else "编辑：保存") + ("（冲突后重试）" if attempt else "")
            data["csrfmiddlewaretoken"] = self.csrf()
            with self.client.post(
                f"/admin/pages/{page_id}/edit/", data, name=name, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code == 302:
                    response.success()
                    RESULTS["saved"].append({"page": page_id, "marker": marker, "user": self.username})
                    self.after_save(response.headers["Location"], submit)
                    return
                if response.status_code == 200 and CONFLICT in response.text:
                    response.success()
                    RESULTS["conflicts"].append({"page": page_id, "marker": marker, "user": self.username})
                    continue
                if response.status_code == 200 and LOCKED in response.text:
                    response.success()
                    RESULTS["refused"].append({"page": page_id, "marker": marker, "why": "已锁定"})
                    return
                response.failure(f"保存返回 {response.status_code} {response.error or ''}")
                RESULTS["refused"].append({"page": page_id, "marker": marker, "why": f"HTTP {response.status_code}"})
                return
        RESULTS["refused"].append({"page": page_id, "marker": marker, "why": "多次冲突"})

    def after_save(self, location: str, submitted: bool) -> None:
        """Follow the redirect as the browser does and check Wagtail's confirmation."""
        name = "编辑：提交后页面" if submitted else "编辑：保存后重新打开"
        with self.client.get(location, name=name, catch_response=True) as response:
            expected = SUBMITTED if submitted else UPDATED
            if response.status_code != 200 or expected not in response.text:
                response.failure(f"没有看到“{expected}”：{response.status_code}")


class Approver(AdminUser):
    weight = 5
    fixed_count = 5
    wait_time = between(1, 3)
    accounts = list(PLAN["approvers"])

    @task(8)
    def approve_pending(self) -> None:
        with self.client.get("/admin/", name="审批：待办", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"待办 {response.status_code} {response.error or ''}")
                return
            urls = APPROVE_URL.findall(response.text)
        if not urls:
            return
        url = random.choice(urls)
        with self.client.post(
            url,
            {"comment": "", "csrfmiddlewaretoken": self.csrf()},
            name="审批：通过",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code in (200, 302):
                response.success()
                RESULTS["approved"].append({"url": url, "user": self.username})
            else:
                response.failure(f"审批 {response.status_code} {response.error or ''}")

    @task(1)
    def export_now(self) -> None:
        if self.username not in PLAN["exporters"]:
            return
        with self.client.post(
            "/admin/publishing/export/",
            {"csrfmiddlewaretoken": self.csrf()},
            name="立即导出",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"立即导出 {response.status_code} {response.error or ''}")
