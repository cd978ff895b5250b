"""Header fields stated beside the file (issue 12 parts 7 and 10): CLI, sidecar, upload form; a truthful report."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.documents.models import NoticePage
from cms.importer.models import ImportReport

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "content" / "seeds"
PORTAL = ROOT / "tests" / "importer" / "portal"
PLAN = "为深入推进安全生产专项整治，制定本方案。\n\n一、工作目标\n\n到年底重点行业领域安全风险隐患得到有效治理。\n"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_document", *args, stdout=out)
    return out.getvalue()


def test_import_document__sidecar_fills_the_fields_a_file_without_版头_lacks(tmp_path, notice_index):
    path = tmp_path / "方案.txt"
    path.write_text(PLAN, encoding="utf-8")
    (tmp_path / "方案.meta.toml").write_text(
        'title = "测试镇安全生产专项整治实施方案"\nissuer = "测试镇人民政府"\nnumber = "测政〔2024〕3号"\n'
        "date = 2024-05-06\n",
        encoding="utf-8",
    )
    out = run(str(path))
    notice = NoticePage.objects.get()
    assert (notice.title, notice.issuer, notice.doc_number) == (
        "测试镇安全生产专项整治实施方案",
        "测试镇人民政府",
        "测政〔2024〕3号",
    )
    assert notice.written_date == date(2024, 5, 6) and notice.year == 2024
    assert "标题按导入时的填写设为" in out


def test_import_document__command_line_wins_over_the_sidecar(tmp_path, notice_index):
    path = tmp_path / "方案.txt"
    path.write_text(PLAN, encoding="utf-8")
    (tmp_path / "方案.meta.toml").write_text('issuer = "旁注机关"\nyear = 2020\n', encoding="utf-8")
    run(str(path), "--issuer", "命令行机关", "--title", "命令行标题")
    notice = NoticePage.objects.get()
    assert (notice.issuer, notice.title, notice.year) == ("命令行机关", "命令行标题", 2020)


@pytest.mark.parametrize(
    ("sidecar", "named"),
    [("title = ", "方案.meta.toml"), ('number = "第三号"', "方案.meta.toml"), ('colour = "红"', "方案.meta.toml")],
)
def test_import_document__a_bad_sidecar_names_itself_and_writes_nothing(tmp_path, notice_index, sidecar, named):
    path = tmp_path / "方案.txt"
    path.write_text(PLAN, encoding="utf-8")
    (tmp_path / "方案.meta.toml").write_text(sidecar, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert named in str(error.value)
    assert not NoticePage.objects.exists()


def test_import_document__seeds_without_版头_get_issuer_year_and_a_real_title(notice_index):
    run(*(str(p) for p in sorted(SEEDS.glob("00[1-3]_*.txt"))))
    notices = list(NoticePage.objects.order_by("title"))
    assert len(notices) == 3
    for notice in notices:
        assert notice.issuer and notice.year and notice.year >= 2020
        assert not notice.title.endswith("领导组")
        assert notice.index_number.split("-")[-2] != "0000"


def test_import_document__report_lists_header_fields_and_dropped_chrome(notice_index):
    out = run(str(PORTAL / "two_pairs_per_line.txt"), str(PORTAL / "no_title.txt"))
    assert "识别到的文件头：标题、发文机关、文号、主送、成文日期、公开属性；未找到：无" in out
    assert "未找到：标题、文号、公开属性" in out
    assert "去除的网页内容 11 行" in out and "第1行：Document" in out
    assert "信息公开栏：索引号：000014349/2023-04417" in out
    notice = NoticePage.objects.get(doc_number="狮政办〔2023〕37号")
    assert notice.external_index_number == "000014349/2023-04417" and notice.validity == "valid"


def test_admin_upload__stated_fields_win_and_a_bad_one_is_explained(admin_client, notice_index):
    data = PLAN.encode()
    bad = admin_client.post("/admin/import/", {"file": SimpleUploadedFile("方案.txt", data), "number": "三号"})
    assert bad.status_code == 200 and "发文字号“三号”的格式不对" in bad.content.decode()
    assert not NoticePage.objects.exists()
    response = admin_client.post(
        "/admin/import/",
        {
            "file": SimpleUploadedFile("方案.txt", data),
            "title": "测试镇安全生产专项整治实施方案",
            "issuer": "测试镇人民政府",
            "date": "2024-05-06",
            "year": "2024",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get()
    assert (notice.title, notice.issuer, notice.year) == ("测试镇安全生产专项整治实施方案", "测试镇人民政府", 2024)
    page = admin_client.get(response["Location"]).content.decode()
    assert "识别到的文件头" in page and "未找到的文件头" in page


def test_admin_report_list__links_to_the_readable_report(admin_client, notice_index):
    run(str(PORTAL / "one_pair_per_line.txt"))
    report = ImportReport.objects.get()
    listing = admin_client.get(reverse("wagtailsnippets_importer_importreport:list")).content.decode()
    assert reverse("importer:report", args=[report.pk]) in listing
    assert reverse("wagtailsnippets_importer_importreport:edit", args=[report.pk]) not in listing
    page = admin_client.get(reverse("importer:report", args=[report.pk])).content.decode()
    assert "去除的网页内容" in page and "南应急〔2024〕12号" in page
