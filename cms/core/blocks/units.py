"""Blocks that name responsible units, and how a unit reference renders.

One module owns the stored shape of a unit reference, so the task list,
the indicator table and the unit target groups link units the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.units.choices import Role

from ..markdown import MarkdownContext, escape_html, md_text
from ..targets import group_targets
from .base import MarkdownBlockMixin
from .text import TargetBlock

ROLE_CHOICES = Role.choices


class RegistryChooserBlock(SnippetChooserBlock):
    """A snippet chooser whose clean does not fetch again the instance its own ``to_python`` just loaded.

    Why: Wagtail's ``ChooserBlock.clean`` turns the instance back into its pk
    and lets ``ModelChoiceField`` look it up once more: one query per
    reference, 411 on the largest task list and most of its save time.  The
    instance was loaded by ``bulk_to_python`` from the same default manager in
    the same request, which is all that lookup would check; the required flag
    and any validators still run.  Migrations keep naming Wagtail's class
    (``DECONSTRUCT_ALIASES``): the stored value and the form are unchanged.
    """

    def clean(self, value: Any) -> Any:
        if isinstance(value, self.model_class) and value.pk is not None:
            self.field.validate(value)
            self.field.run_validators(value)
            return value
        return super().clean(value)


class UnitRefBlock(blocks.StructBlock):
    """A responsible unit: chosen from the registry, or typed and resolved."""

    unit = RegistryChooserBlock("units.Unit", required=False, label="单位库中的单位")
    group = RegistryChooserBlock(
        "units.UnitGroup", required=False, label="单位组", help_text="原文写的是一类单位（如 各乡镇（街道））时选择。"
    )
    name = blocks.CharBlock(label="单位名称（原文）", required=False, max_length=120)
    role = blocks.ChoiceBlock(choices=ROLE_CHOICES, default="lead", label="角色")
    division = blocks.CharBlock(label="内设机构/分工", required=False, max_length=60)

    class Meta:
        icon = "group"
        label = "责任单位"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value.get("unit") is None and value.get("group") is None:
            written = (value.get("name") or "").strip()
            if not written:
                raise StructBlockValidationError(
                    block_errors={"unit": ValidationError("请从单位库选择单位，或填写单位名称。")}
                )
            # lookup loads the unit models; export imports the blocks without them
            from cms.units.lookup import find_group, resolve_unit

            group = find_group(written)
            if group is not None:
                # A collective reference (各乡镇（街道）…) is a group, not a unit: its members carry the row.
                value["group"] = group
                return value
            match = resolve_unit(written)
            if not match.found:
                raise StructBlockValidationError(
                    block_errors={
                        "name": ValidationError(
                            f"单位库中没有“{written}”。请从单位库选择，或先在“责任单位”中添加该单位（或别名）；"
                            "无法对应到单位的说明文字请填写在“责任单位（原文）”中。"
                        )
                    }
                )
            value["unit"] = match.unit
            if match.division and not value.get("division"):
                value["division"] = match.division
        return value


def unit_ref_html(ref: dict, ctx: MarkdownContext) -> str:
    """The unit as the document writes it, linked to its registry entry."""
    name = ref.get("name") or ctx.unit_name(ref.get("unit"), "")
    label = ctx.unit_link(ref.get("unit"), name)
    if ref.get("division"):
        label += f"（{escape_html(ref['division'])}）"
    return label


class TargetGroupBlock(MarkdownBlockMixin, blocks.StructBlock):
    """个性目标: the targets assigned to one unit."""

    unit = RegistryChooserBlock("units.Unit", required=False, label="责任单位")
    unit_name = blocks.CharBlock(label="单位名称（原文）", max_length=120)
    targets = blocks.ListBlock(TargetBlock(), label="目标", min_num=1)

    class Meta:
        icon = "list-ul"
        label = "单位个性目标"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        number = ctx.numbering.next(3)
        heading = "#" * min(6, ctx.heading_base + 2)
        unit = unit_ref_html({"unit": raw.get("unit"), "name": raw.get("unit_name", "")}, ctx)
        lines = [f"{heading} {md_text(number)}{unit}"]
        targets = group_targets(raw)
        for index, target in enumerate(targets, start=1):
            prefix = f"（{index}）" if len(targets) > 1 else ""
            lines.append(self.child_blocks["targets"].child_block.to_markdown(target.raw, ctx, prefix))
        return "\n\n".join(lines)


# Migrations name blocks by the path they had before the split (Block.canonical_module_path).
DECONSTRUCT_ALIASES = {
    RegistryChooserBlock: "wagtail.snippets.blocks.SnippetChooserBlock",
    UnitRefBlock: "cms.core.blocks.UnitRefBlock",
    TargetGroupBlock: "cms.core.blocks.TargetGroupBlock",
}
