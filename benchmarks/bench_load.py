"""Load test: editors and approvers on gunicorn + PostgreSQL while exports run.

Run from the project root (needs the ``load`` extra: locust, gunicorn):

    .venv/bin/python benchmarks/bench_load.py [--users 25 --spawn-rate 5 --duration 60s]

It creates a fresh PostgreSQL database (``h_load_run`` by default, dropped
first), migrates, imports seeds 001 and 003 published and 主动公开, creates
20 editors (group 编辑) and 5 approvers (审核 ×3, 签发 ×2; the 签发 ones may
also press 立即导出), starts gunicorn on 127.0.0.1 and one export worker,
and runs locust headless for a bounded time (``benchmarks/load/locustfile.py``).
Then it checks what matters for production: no request failed, every edit
a client saw saved is in some page revision (no edit lost, including the
concurrent saves of the same page), no refused edit was written anyway, and
the exports ran without a failure; and prints throughput and p50/p95
latency per request type. Everything it started is stopped, bounded in time,
whatever happens. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SERVER = "postgres://postgres@127.0.0.1:5432"
WORK = ROOT / "build" / "load"
SEEDS = sorted((ROOT / "content" / "seeds").glob("00[13]_*.txt"))
EDITORS, REVIEWERS, SIGNERS = 20, 3, 2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="h_load_run", help="PostgreSQL database to (re)create")
    parser.add_argument("--users", type=int, default=EDITORS + REVIEWERS + SIGNERS)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="60s", help="locust --run-time")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--drain", type=int, default=180, help="seconds to wait for queued exports afterwards")
    return parser.parse_args()


def recreate_database(name: str) -> None:
    import psycopg

    if not name.startswith("h_load"):
        raise SystemExit("只能使用名为 h_load* 的数据库")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def environment(args: argparse.Namespace) -> dict[str, str]:
    src = WORK / "site_src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(ROOT / "site_src", src, ignore=shutil.ignore_patterns("docs", "generated", ".docs.*"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{args.database}",
        "DJANGO_SETTINGS_MODULE": "cms.settings.load",
        "SITE_SOURCE_DIR": str(src),
        "SITE_OUTPUT_DIR": str(WORK / "site"),
        "MEDIA_ROOT": str(WORK / "media"),
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    return env


def prepare(password: str) -> dict[str, Any]:
    """Migrate, import the seeds, create the accounts; return the plan handed to locust."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command
    from django.db import connections
    from wagtail.models import Page

    from cms.core.models import DocumentPage
    from cms.documents.models import AttachmentPage
    from cms.documents.setup import ensure_site_structure
    from cms.workflow.setup import EDITORS as EDITOR_GROUP
    from cms.workflow.setup import REVIEWERS as REVIEWER_GROUP
    from cms.workflow.setup import SIGNERS as SIGNER_GROUP

    call_command("migrate", verbosity=0, interactive=False)
    ensure_site_structure()
    with open(os.devnull, "w") as quiet:
        call_command("import_document", *map(str, SEEDS), "--publish", "--disclosure", "主动公开", stdout=quiet)

    user_model = get_user_model()

    def account(username: str, group: str) -> str:
        user = user_model.objects.create_user(username, f"{username}@example.invalid", password)
        user.groups.add(Group.objects.get(name=group))
        return username

    editors = [account(f"editor{i:02d}", EDITOR_GROUP) for i in range(1, EDITORS + 1)]
    approvers = [account(f"reviewer{i}", REVIEWER_GROUP) for i in range(1, REVIEWERS + 1)]
    signers = [account(f"signer{i}", SIGNER_GROUP) for i in range(1, SIGNERS + 1)]
    export_permission = Permission.objects.get(content_type__app_label="publishing", codename="add_exportrun")
    for user in user_model.objects.filter(username__in=signers):
        user.user_permissions.add(export_permission)

    pages = [
        page.pk
        for page in AttachmentPage.objects.live().order_by("pk")
        if any(block.block_type == "task_list" for block in page.body)
    ]
    documents = Page.objects.type(DocumentPage).count()
    connections.close_all()
    return {
        "password": password,
        "editors": editors,
        "approvers": approvers + signers,
        "exporters": signers,
        "pages": pages,
        "documents": documents,
    }


@contextmanager
def started(name: str, command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in its own process group; stop exactly that group afterwards (TERM, then KILL)."""
    log = open(WORK / f"{name}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn 在 {timeout:.0f} 秒内没有响应 {url}")


def drain_exports(timeout: int) -> None:
    from cms.publishing.models import ExportRun, ExportStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not ExportRun.objects.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).exists():
            return
        time.sleep(2)


def saved_markers(page_ids: list[int]) -> set[str]:
    """Every load-test marker that occurs in some revision of the given pages (one pass, in the database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (regexp_matches(content::text, 'LOADMK[0-9a-f]{12}', 'g'))[1] "
            "FROM wagtailcore_revision WHERE object_id = ANY(%s)",
            [[str(pk) for pk in page_ids]],
        )
        return {row[0] for row in cursor.fetchall()}


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def report(stats: list[dict[str, str]], results: dict[str, list[Any]], args: argparse.Namespace) -> list[str]:
    """Print the figures; return the failed checks."""
    from django.db.models import Count
    from wagtail.models import TaskState, WorkflowState

    from cms.publishing.models import ExportRun, ExportStatus

    total = next(row for row in stats if row["Name"] == "Aggregated")
    print(f"\n用户 {args.users}，持续 {args.duration}，gunicorn {args.workers} 进程 × {args.threads} 线程")
    print(f"{'请求':<22}{'次数':>7}{'失败':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for row in stats:
        print(
            f"{row['Name']:<22}{row['Request Count']:>7}{row['Failure Count']:>6}"
            f"{float(row['Requests/s']):>8.2f}{row['50%']:>9}{row['95%']:>9}{float(row['Max Response Time']):>9.0f}"
        )

    failures: list[str] = []
    errors = int(total["Failure Count"])
    print(f"\n错误（失败的请求）：{errors}")
    if errors:
        failures.append(f"{errors} 个请求失败")

    saved = results["saved"]
    pages = sorted({entry["page"] for entry in saved} | {entry["page"] for entry in results["refused"]})
    found = saved_markers(pages) if pages else set()
    lost = [entry for entry in saved if entry["marker"] not in found]
    written_anyway = [entry for entry in results["refused"] if entry["marker"] in found]
    same_page = len(saved) - len({entry["page"] for entry in saved})
    print(
        f"保存成功 {len(saved)} 次（涉及 {len({e['page'] for e in saved})} 个页面，同页多次保存 {same_page} 次），"
        f"其中在修订中找到标记 {len(saved) - len(lost)}，丢失 {len(lost)}"
    )
    print(
        f"过期保存被拒并重试 {len(results['conflicts'])} 次；因审批中被拒 "
        f"{sum(1 for e in results['refused'] if e['why'] == '已锁定')} 次"
        f"（被拒的改动写入了修订：{len(written_anyway)}）；"
        f"页面在审批中、编辑放弃 {len(results['abandoned'])} 次"
    )
    if lost:
        failures.append(f"{len(lost)} 次保存的标记不在任何修订中，例如 {lost[0]}")
    if written_anyway:
        failures.append(f"{len(written_anyway)} 次被拒的保存仍写入了修订")
    if not saved:
        failures.append("没有任何保存成功")

    approvals = TaskState.objects.filter(status=TaskState.STATUS_APPROVED).count()
    submitted = WorkflowState.objects.count()
    print(
        f"审批通过的步骤 {approvals} 个（客户端记录的审批点击 {len(results['approved'])} 次）；"
        f"启动的审批流程 {submitted} 个"
    )

    runs = dict(ExportRun.objects.values_list("status").annotate(n=Count("pk")))
    print("网站导出：" + "，".join(f"{ExportStatus(status).label} {n}" for status, n in sorted(runs.items())))
    durations = [r.duration_display for r in ExportRun.objects.filter(status=ExportStatus.SUCCEEDED).order_by("pk")]
    if durations:
        print("成功的导出耗时：" + "、".join(durations))
    if runs.get(ExportStatus.FAILED):
        messages = list(ExportRun.objects.filter(status=ExportStatus.FAILED).values_list("message", flat=True)[:3])
        failures.append(f"{runs[ExportStatus.FAILED]} 次导出失败：{messages}")
    if not runs.get(ExportStatus.SUCCEEDED):
        failures.append("没有成功的导出")
    if runs.get(ExportStatus.QUEUED) or runs.get(ExportStatus.RUNNING):
        failures.append("测试结束后仍有未完成的导出")
    return failures


def uptime() -> str:
    """The machine's load average: the figures mean little without it on a shared machine."""
    return subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> int:
    args = parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    recreate_database(args.database)
    env = environment(args)
    start = time.perf_counter()
    plan = prepare(secrets.token_urlsafe(16))
    print(
        f"准备：{time.perf_counter() - start:.1f} 秒，{plan['documents']} 个文件页面，"
        f"其中 {len(plan['pages'])} 个含任务清单的附件页供编辑修改"
    )
    (WORK / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    results_path = WORK / "results.json"
    results_path.unlink(missing_ok=True)
    env = {**env, "LOAD_PLAN": str(WORK / "plan.json"), "LOAD_RESULTS": str(results_path)}

    host = f"http://127.0.0.1:{args.port}"
    gunicorn = [
        str(BIN / "gunicorn"),
        "cms.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        # Longer than a client's pause between requests, as behind a reverse proxy: with gunicorn's
        # default of 2 s the server closes idle connections just as a client reuses them.
        "--keep-alive",
        "75",
    ]
    worker = [PYTHON, "manage.py", "db_worker", "--backend", "exports", "--no-reload"]
    locust = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "load" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        args.duration,
        "--host",
        host,
        "--csv",
        str(WORK / "locust"),
        "--only-summary",
        "--stop-timeout",
        "30",
    ]
    with started("gunicorn", gunicorn, env), started("db_worker", worker, env):
        wait_for_http(f"{host}/admin/login/")
        print(f"负载开始：{' '.join(locust[3:])}")
        print(f"开始时 uptime：{uptime()}")
        seconds = int(args.duration.rstrip("s")) if args.duration.endswith("s") else 600
        with open(WORK / "locust.log", "wb") as log:
            subprocess.run(  # noqa: S603 - our own fixed command line
                locust, cwd=ROOT, env=env, timeout=seconds + 180, check=False, stdout=log, stderr=subprocess.STDOUT
            )
        print("负载结束，等待排队的导出完成 …")
        drain_exports(args.drain)
    results = json.loads(results_path.read_text(encoding="utf-8"))
    failures = report(read_stats(WORK / "locust"), results, args)
    print(f"\n结束时 uptime：{uptime()}")
    if failures:
        print("\n检查未通过：\n- " + "\n- ".join(failures))
        return 1
    print("\n检查通过：没有错误，没有丢失的修改，导出全部成功。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
