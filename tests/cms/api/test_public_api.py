"""Nothing non-public is reachable through the headless API, by listing or by id."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page

from cms.documents.models import Disclosure, NoticePage
from tests.factories import UnitFactory, make_attachment, make_notice, paragraph, task_list


@pytest.fixture
def corpus(notice_index):
    unit = UnitFactory(name="乡安办")
    public = make_notice(notice_index, body=[paragraph("公开正文PUBLIC_OK")], publish_progress=True)
    public_attachment = make_attachment(
        public, body=[task_list([{"task": "公开任务PUBLIC_TASK", "units": [(unit, "lead")]}])]
    )
    # A newer draft of the live notice, not approved: must not show.
    public.body = [paragraph("未审核草稿SECRET_DRAFT")]
    public.save_revision()
    hidden = {
        "draft": make_notice(notice_index, publish=False, body=[paragraph("SECRET_NEVER_PUBLISHED")]),
        "on_request": make_notice(
            notice_index, disclosure=Disclosure.ON_REQUEST, body=[paragraph("SECRET_ON_REQUEST")]
        ),
        "not_public": make_notice(
            notice_index, disclosure=Disclosure.NOT_PUBLIC, body=[paragraph("SECRET_NOT_PUBLIC")]
        ),
        "expired": make_notice(notice_index, body=[paragraph("SECRET_EXPIRED")]),
    }
    hidden["expired"].expire_at = timezone.now() - timedelta(days=1)
    hidden["expired"].save()
    hidden["under_private"] = make_attachment(
        hidden["on_request"], body=[task_list([{"task": "SECRET_TASK", "units": [(unit, "lead")]}])]
    )
    unpublished = make_notice(notice_index, body=[paragraph("SECRET_UNPUBLISHED")])
    unpublished.unpublish()
    hidden["unpublished"] = unpublished
    return {"public": [public, public_attachment], "hidden": hidden}


def get_json(client, url: str):
    response = client.get(url)
    return response.status_code, (json.loads(response.content) if response.status_code == 200 else None)


def test_api_pages__listing_shows_only_public_pages(client, corpus):
    status, data = get_json(client, "/api/v2/pages/?limit=100")
    assert status == 200
    ids = {item["id"] for item in data["items"]}
    assert ids == {page.pk for page in corpus["public"]}


def test_api_pages__hidden_pages_are_404_by_id(client, corpus):
    for page in corpus["hidden"].values():
        status, _ = get_json(client, f"/api/v2/pages/{page.pk}/")
        assert status == 404, page


def test_api_pages__detail_serves_live_content_with_blocks(client, corpus):
    notice, attachment = corpus["public"]
    status, data = get_json(client, f"/api/v2/pages/{notice.pk}/")
    assert status == 200
    text = json.dumps(data, ensure_ascii=False)
    assert "PUBLIC_OK" in text and "SECRET_DRAFT" not in text
    status, data = get_json(client, f"/api/v2/pages/{attachment.pk}/")
    assert data["body"][0]["type"] == "task_list"


def test_api_pages__no_secret_in_any_listing_variant(client, corpus):
    for url in [
        "/api/v2/pages/?fields=*&limit=100",
        "/api/v2/pages/?type=documents.NoticePage&fields=body&limit=100",
        "/api/v2/pages/?type=documents.AttachmentPage&fields=body&limit=100",
        "/api/v2/pages/?search=SECRET",
        "/api/v2/tasks/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert b"SECRET" not in response.content, url


def test_api_tasks__public_rows_with_published_progress(client, corpus):
    status, data = get_json(client, "/api/v2/tasks/")
    assert status == 200
    assert [item["task"] for item in data["items"]] == ["公开任务PUBLIC_TASK"]
    assert data["items"][0]["lead_units"] == ["乡安办"]
    assert data["items"][0]["kind"] == "任务"
    assert data["items"][0]["due_date"] == "2024-12-31"  # no 完成时限: the end of the notice's year
    assert data["items"][0]["progress"]["status"] == "未启动"


def test_api__is_read_only(client, corpus):
    notice = corpus["public"][0]
    assert client.post("/api/v2/pages/", {}).status_code in (403, 405)
    assert client.delete(f"/api/v2/pages/{notice.pk}/").status_code in (403, 405)
    assert client.post("/api/v2/tasks/", {}).status_code in (403, 405)


def test_served_pages__are_exactly_the_public_view(client, corpus):
    """Django serves what the API and the static site publish, and nothing else, at each page's URL."""
    public = NoticePage.objects.public_tree_ids()
    pages = [*corpus["public"], *corpus["hidden"].values()]
    for page in pages:
        assert client.get(page.url or f"/{page.slug}/").status_code == (200 if page.pk in public else 404), page
    for page in Page.objects.filter(depth__gt=1):
        assert NoticePage.objects.public_contains(page) == (page.pk in public), page
    listing = client.get(corpus["public"][0].get_parent().url).content.decode()
    assert f'href="{corpus["public"][0].url}"' in listing
    assert not any(f'href="{page.url}"' in listing for page in corpus["hidden"].values())
