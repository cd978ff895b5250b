"""Issue 13 on the real seeds: units resolved per jurisdiction, collective names as groups, 主送 as addressees.

The five seeds (content/seeds, with their .meta.toml sidecars for the files
without a 版头) are imported the way the command does; the facts checked are
the issue's "done when" for the registry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cms.documents.models import AttachmentPage, NoticePage
from cms.importer.metadata import read_sidecar
from cms.importer.service import import_documents
from cms.units import naming
from cms.units.choices import GroupKind
from cms.units.models import Jurisdiction, Unit, UnitGroup
from cms.units.resolve import UnitResolver

SEEDS = Path(__file__).resolve().parents[3] / "content" / "seeds"
SEPARATORS = "、，,；;"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def import_seeds(paths: list[Path], *, publish: bool):
    return import_documents(
        [(p.name, p.read_bytes()) for p in paths],
        publish=publish,
        metadata={p.name: read_sidecar(p) for p in paths},
    )


def name_problem(name: str) -> str:
    """Why ``name`` is not one unit's name: a separator outside brackets, or an unbalanced bracket."""
    depth = 0
    for ch in name:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
            if depth < 0:
                return "unbalanced"
        elif ch in SEPARATORS and depth == 0:
            return f"separator {ch}"
    return "unbalanced" if depth else ""


def indicator_places(notice: NoticePage) -> list[str]:
    (attachment,) = AttachmentPage.objects.child_of(notice)
    (table,) = [b for b in attachment.body.raw_data if b["type"] == "indicator_table"]
    return [row["value"]["unit_name"] for row in table["value"]["rows"]]


def test_name_problem__can_fail():
    assert name_problem("张坂镇党委、政府") == "separator 、"
    assert name_problem("区科技经济发展局（发改、安监") == "unbalanced"
    assert name_problem("区规划建设与交通运输局（住建、交通）") == ""


@pytest.fixture(params=[False, True], ids=["draft", "published"])
def five_seeds(request, notice_index):
    return import_seeds(seed_paths(), publish=request.param), request.param


def test_import__five_seeds_register_only_single_unit_names(five_seeds):
    bad = {u.name: name_problem(u.name) for u in Unit.objects.all() if name_problem(u.name)}
    assert bad == {}
    collective = [u.name for u in Unit.objects.all() if naming.collective_kind(u.name) is not None]
    assert collective == []


def test_import__five_seeds_spellings_of_one_unit_are_one_unit_in_baiqi(five_seeds):
    baiqi = Jurisdiction.objects.get(name="百崎回族乡")
    resolver = UnitResolver(baiqi, create=False)
    for spellings in (
        ["公安分局", "区公安分局"],
        ["消防救援大队", "区消防救援大队", "消防大队"],
        ["城市管理分局", "区城市管理分局", "城管分局"],
    ):
        units = {resolver.resolve(name).unit for name in spellings}
        assert len(units) == 1 and None not in units, spellings
        (unit,) = units
        assert unit.jurisdiction == baiqi
        # The other spellings are not units of their own anywhere up the chain.
        assert not Unit.objects.filter(jurisdiction=baiqi, name__in=spellings).exclude(pk=unit.pk).exists()


def test_import__000_addresses_its_places_group_of_the_20_towns(five_seeds):
    _, published = five_seeds
    notice = NoticePage.objects.get(doc_number="晋政文〔2022〕201号")
    assert notice.jurisdiction is not None and notice.jurisdiction.name == "晋江市"
    revision = notice.get_latest_revision_as_object()
    for version in (notice, revision):
        places = [g for g in version.addressee_groups.all() if g.kind == GroupKind.PLACES]
        assert len(places) == 1, version
    (group,) = places
    assert group.name == "各乡镇（街道）" and group.jurisdiction == notice.jurisdiction
    towns = indicator_places(notice)
    assert len(towns) == 20
    assert sorted(group.members.values_list("name", flat=True)) == sorted(towns)
    assert notice.live is published


def test_import__000_task_units_and_letters_keep_working(five_seeds):
    """Letters still match their unit, and every stored ref carries a unit or a group (never both)."""
    for notice in NoticePage.objects.all():
        for page in notice.get_descendants(inclusive=True).specific():
            for block in page.body.raw_data:
                if block["type"] != "task_list":
                    continue
                for row in block["value"]["rows"]:
                    for ref in row["value"]["units"]:
                        value = ref["value"]
                        assert not (value["unit"] and value["group"]), value
                        assert value["role"] in ("lead", "support", "unstated")


def test_import__another_citys_copy_of_000_gets_its_own_units(notice_index):
    path = next(SEEDS.glob("000_*.txt"))
    text = path.read_text(encoding="utf-8")
    assert "晋政文〔2022〕201号" in text
    copy = text.replace("晋政文〔2022〕201号", "狮政文〔2022〕88号").replace("晋江", "石狮")
    import_documents([(path.name, path.read_bytes())], publish=True)
    (outcome,) = import_documents([("shishi.txt", copy.encode("utf-8"))], publish=True)
    shishi_notice = outcome.stats.notice
    assert shishi_notice is not None and shishi_notice.doc_number == "狮政文〔2022〕88号"
    jinjiang = Jurisdiction.objects.get(name="晋江市")
    shishi = Jurisdiction.objects.get(name="石狮市")
    assert shishi_notice.jurisdiction == shishi
    for name in ("市公安局", "池店镇", "青阳街道"):
        theirs = UnitResolver(jinjiang, create=False).resolve(name).unit
        ours = UnitResolver(shishi, create=False).resolve(name).unit
        assert theirs is not None and ours is not None, name
        assert theirs.pk != ours.pk
        assert (theirs.jurisdiction, ours.jurisdiction) == (jinjiang, shishi)
    groups = UnitGroup.objects.filter(kind=GroupKind.PLACES, jurisdiction__in=[jinjiang, shishi])
    assert groups.count() == 2
    for group in groups:
        assert {m.jurisdiction_id for m in group.members.all()} == {group.jurisdiction_id}
        assert group.members.count() == 20


def test_import__report_offers_the_other_citys_unit_as_a_one_click_merge(notice_index):
    path = next(SEEDS.glob("000_*.txt"))
    copy = path.read_text(encoding="utf-8").replace("晋政文〔2022〕201号", "狮政文〔2022〕88号").replace("晋江", "石狮")
    import_documents([(path.name, path.read_bytes())])
    (outcome,) = import_documents([("shishi.txt", copy.encode("utf-8"))])
    jinjiang_town = Unit.objects.get(name="池店镇", jurisdiction__name="晋江市")
    shishi_town = Unit.objects.get(name="池店镇", jurisdiction__name="石狮市")
    (offer,) = [o for o in outcome.merge_offers if o["pk"] == shishi_town.pk]
    assert offer["label"] == "池店镇（石狮市）"
    first = offer["similar"][0]
    assert (first["pk"], first["label"]) == (jinjiang_town.pk, "池店镇（晋江市）")
    assert first["merge_url"] == f"/admin/units/merge/?keep={jinjiang_town.pk}&absorb={shishi_town.pk}"
    assert len(offer["similar"]) <= 3
    assert all(o["pk"] not in {s["pk"] for s in o["similar"]} for o in outcome.merge_offers)
    text = outcome.report_text()
    assert "池店镇（石狮市） 可能与以下已有单位相同，可合并：" in text
    assert first["merge_url"] in text
    assert "新建单位组" in text and "各乡镇（街道）（石狮市）" in text
