"""Background export: triggers, debounce, the real task with the real exporter, and the admin screens.

Real database and real ``export_site`` into temp dirs (``site_dirs``).  The
``exports`` alias is the database backend in tests as in production, so
nothing runs until a test runs the worker (``run_worker``), which is the
real ``db_worker`` command.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Revision

import export.build
from cms.documents.models import Disclosure, NoticePage
from cms.publishing import services
from cms.publishing.models import ExportReason, ExportRun, ExportStatus
from cms.publishing.tasks import run_export
from tests.factories import make_notice, paragraph

pytestmark = pytest.mark.django_db


def _publish_notice(index, django_capture_on_commit_callbacks, **fields) -> NoticePage:
    with django_capture_on_commit_callbacks(execute=True):
        return make_notice(index, **fields)


def _export_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(backend_name="exports"))


# --- triggers and debounce ---------------------------------------------------------------------


def test_publishing_a_notice_queues_one_export(notice_index, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = make_notice(notice_index, publish=False)
        assert not ExportRun.objects.exists(), "a draft is not public: no export"
        notice.save_revision(user=admin_user).publish()

    run = ExportRun.objects.get()
    assert run.status == ExportStatus.QUEUED
    assert run.reason == ExportReason.PUBLISH
    assert run.triggered_by == admin_user
    assert run.trigger_title == notice.title
    [task] = _export_tasks()
    assert task.task_path == "cms.publishing.tasks.run_export"
    assert task.args_kwargs["args"] == [run.pk]
    assert run.task_id == str(task.id)


def test_ten_quick_publishes_give_one_queued_export(notice_index, django_capture_on_commit_callbacks):
    notice = _publish_notice(notice_index, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            page = NoticePage.objects.get(pk=notice.pk)
            page.body = [paragraph(f"第{n}次修改。")]
            page.save_revision().publish()

    run = ExportRun.objects.get()
    assert run.status == ExportStatus.QUEUED
    assert run.requests == 11
    assert len(_export_tasks()) == 1


def test_enqueue_waits_for_commit(notice_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_notice(notice_index)
        assert ExportRun.objects.count() == 1
        assert _export_tasks() == [], "the worker must not see the run before the publish is committed"
    assert len(callbacks) == 1


def test_non_document_pages_do_not_queue(notice_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice_index.save_revision().publish()
    assert not ExportRun.objects.exists()


def test_publish_while_an_export_runs_queues_the_next(notice_index, django_capture_on_commit_callbacks):
    notice = _publish_notice(notice_index, django_capture_on_commit_callbacks)
    ExportRun.objects.update(status=ExportStatus.RUNNING, started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        NoticePage.objects.get(pk=notice.pk).save_revision().publish()
    assert list(ExportRun.objects.order_by("pk").values_list("status", flat=True)) == [
        ExportStatus.RUNNING,
        ExportStatus.QUEUED,
    ]


def test_unpublish_and_expiry_queue_with_their_reasons(notice_index, django_capture_on_commit_callbacks):
    withdrawn = _publish_notice(notice_index, django_capture_on_commit_callbacks)
    expiring = _publish_notice(notice_index, django_capture_on_commit_callbacks)
    ExportRun.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn.unpublish()
    assert ExportRun.objects.get().reason == ExportReason.UNPUBLISH

    ExportRun.objects.all().delete()
    NoticePage.objects.filter(pk=expiring.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    run = ExportRun.objects.get()
    assert run.reason == ExportReason.EXPIRY
    assert run.trigger_title == expiring.title


def test_lost_queued_run_does_not_block_later_exports(notice_index, django_capture_on_commit_callbacks):
    stuck = ExportRun.objects.create(status=ExportStatus.QUEUED)
    ExportRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    _publish_notice(notice_index, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED and "后台任务丢失" in stuck.message
    assert ExportRun.objects.filter(status=ExportStatus.QUEUED).exclude(pk=stuck.pk).count() == 1


# --- the task, with the real exporter ------------------------------------------------------------


@pytest.mark.slow
def test_worker_runs_the_queued_export_and_records_success(
    notice_index, site_dirs, run_worker, django_capture_on_commit_callbacks
):
    out, src = site_dirs
    notice = _publish_notice(notice_index, django_capture_on_commit_callbacks, body=[paragraph("BGEXPORTSENTINEL01")])
    run = ExportRun.objects.get()

    run_worker()

    run.refresh_from_db()
    assert run.status == ExportStatus.SUCCEEDED, run.message
    assert run.pages and run.pages > 1
    assert run.files and run.files > run.pages
    assert run.size and run.size > 0
    assert run.duration is not None and run.duration > 0
    assert run.started_at and run.finished_at and run.created_at <= run.started_at <= run.finished_at
    for step in ("快照：", "渲染：", "构建："):
        assert step in run.progress
    assert "网站已更新" in run.message
    assert "BGEXPORTSENTINEL01" in (out / "notices" / f"{notice.slug}.html").read_text(encoding="utf-8")
    assert (src / "docs" / "index.md").is_file()
    [task] = _export_tasks()
    assert task.status == "SUCCESSFUL"
    assert task.return_value["status"] == "succeeded"


def test_failed_build_marks_the_run_red_and_keeps_the_previous_site(
    notice_index, site_dirs, monkeypatch, django_capture_on_commit_callbacks
):
    out, _ = site_dirs
    out.mkdir(parents=True)
    (out / "index.html").write_text("PREVIOUS-SITE", encoding="utf-8")
    _publish_notice(notice_index, django_capture_on_commit_callbacks)
    run = ExportRun.objects.get()

    def broken_mkdocs(config_path, site_dir, env):
        return subprocess.CompletedProcess(["mkdocs"], 1, stdout="", stderr="ERROR - 主题模板出错")

    monkeypatch.setattr(export.build, "run_mkdocs", broken_mkdocs)
    outcome = run_export.call(run.pk)

    run.refresh_from_db()
    assert outcome["status"] == "failed"
    assert run.status == ExportStatus.FAILED
    assert "网站构建失败" in run.message and "主题模板出错" in run.message
    assert run.finished_at is not None and run.duration is not None
    assert "快照：" in run.progress and "渲染：" in run.progress and "构建：" not in run.progress
    assert (out / "index.html").read_text(encoding="utf-8") == "PREVIOUS-SITE"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".site.build-")] == []


def test_unexpected_error_is_recorded_and_reraised(notice_index, site_dirs, monkeypatch):
    run = ExportRun.objects.create(status=ExportStatus.QUEUED)

    def explode(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(services, "export_site", explode)
    with pytest.raises(RuntimeError):
        run_export.call(run.pk)
    run.refresh_from_db()
    assert run.status == ExportStatus.FAILED
    assert "RuntimeError" in run.message and "磁盘已满" in run.message and "保持不变" in run.message


def test_a_run_is_executed_once(notice_index, site_dirs, monkeypatch):
    run = ExportRun.objects.create(status=ExportStatus.SUCCEEDED)
    monkeypatch.setattr(services, "export_site", lambda *a, **k: pytest.fail("must not export again"))
    assert run_export.call(run.pk)["status"] == "skipped"


@pytest.mark.slow
def test_scheduled_publication_appears_in_the_next_export(
    notice_index, site_dirs, run_worker, django_capture_on_commit_callbacks
):
    out, _ = site_dirs
    future = timezone.now() + timedelta(days=1)
    notice = NoticePage(
        title="定时发布的通知",
        doc_number="测安委〔2024〕77号",
        issuer="测试县人民政府",
        disclosure=Disclosure.PUBLIC,
        year=2024,
        live=False,
        go_live_at=future,
        body=[paragraph("SCHEDULEDGOESLIVE01")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice_index.add_child(instance=notice)
        revision = notice.save_revision()
        revision.publish()
    notice.refresh_from_db()
    assert not notice.live
    assert not ExportRun.objects.exists(), "scheduling alone changes nothing public"

    # The clock passes go_live_at: what the scheduler sees on the revision and page.
    past = timezone.now() - timedelta(minutes=1)
    revision = Revision.objects.get(pk=revision.pk)
    assert revision.approved_go_live_at == future
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    NoticePage.objects.filter(pk=notice.pk).update(go_live_at=past)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    notice.refresh_from_db()
    assert notice.live
    run = ExportRun.objects.get()
    assert run.reason == ExportReason.SCHEDULED and run.status == ExportStatus.QUEUED

    run_worker()

    run.refresh_from_db()
    assert run.status == ExportStatus.SUCCEEDED, run.message
    assert "SCHEDULEDGOESLIVE01" in (out / "notices" / f"{notice.slug}.html").read_text(encoding="utf-8")


# --- admin screens ----------------------------------------------------------------------------------


@pytest.fixture
def editor(db, django_user_model):
    """An editor with admin access but no export permission."""
    user = django_user_model.objects.create_user("editor", "", "secret-pass-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_history_lists_runs_with_failures_in_red(admin_client):
    ExportRun.objects.create(status=ExportStatus.SUCCEEDED, reason=ExportReason.PUBLISH, pages=12, duration=3.2)
    ExportRun.objects.create(
        status=ExportStatus.FAILED, reason=ExportReason.MANUAL, message="网站构建失败（mkdocs 退出码 1）"
    )

    response = admin_client.get(reverse("publishing:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "网站导出" in html and "立即导出" in html
    assert 'class="export-run export-run--failed"' in html
    assert ".export-run--failed td { color: #cd4444" in html
    assert "网站构建失败（mkdocs 退出码 1）" in html
    assert "成功" in html and "失败" in html and "3.2 秒" in html


def test_menu_shows_export_to_admins(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert reverse("publishing:index") in response.content.decode()


def test_export_now_by_a_permitted_user_enqueues(admin_client, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("publishing:trigger"))
    run = ExportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("publishing:detail", args=[run.pk])
    assert run.reason == ExportReason.MANUAL and run.triggered_by == admin_user
    assert len(_export_tasks()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("publishing:trigger"))
    assert ExportRun.objects.count() == 1, "debounced like the signals"


def test_export_now_with_group_permission(client, editor, django_capture_on_commit_callbacks):
    group = Group.objects.create(name="发布员")
    group.permissions.add(Permission.objects.get(content_type__app_label="publishing", codename="add_exportrun"))
    editor.groups.add(group)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publishing:trigger"))
    assert response.status_code == 302
    assert ExportRun.objects.get().triggered_by == editor


def test_export_now_is_refused_without_permission(client, editor):
    """Refused the Wagtail way: back to the dashboard with an error message, and nothing queued."""
    client.force_login(editor)
    response = client.post(reverse("publishing:trigger"))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not ExportRun.objects.exists()
    assert client.get(reverse("publishing:index")).status_code == 302
    run = ExportRun.objects.create(status=ExportStatus.QUEUED)
    status_url = reverse("publishing:status", args=[run.pk])
    assert client.get(status_url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    assert reverse("publishing:index") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_export_now_requires_post(admin_client):
    assert admin_client.get(reverse("publishing:trigger")).status_code == 405
    assert not ExportRun.objects.exists()


def test_status_json_returns_status_and_progress(admin_client):
    run = ExportRun.objects.create(
        status=ExportStatus.RUNNING, progress="快照：3 份主动公开的公文\n正在渲染页面和台账……"
    )
    response = admin_client.get(reverse("publishing:status", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"] == "running" and data["status_label"] == "进行中"
    assert data["finished"] is False and "正在渲染" in data["progress"]

    ExportRun.objects.filter(pk=run.pk).update(status=ExportStatus.FAILED, message="导出失败")
    data = admin_client.get(reverse("publishing:status", args=[run.pk])).json()
    assert data["finished"] is True and data["failed"] is True and data["message"] == "导出失败"


def test_detail_page_polls_the_status_endpoint(admin_client):
    run = ExportRun.objects.create(status=ExportStatus.QUEUED)
    html = admin_client.get(reverse("publishing:detail", args=[run.pk])).content.decode()
    assert f'data-status-url="{reverse("publishing:status", args=[run.pk])}"' in html
    assert "publishing/run_progress.js" in html
    assert "排队中" in html
    assert "cdn" not in html.lower().replace("wagtailadmin", "")
