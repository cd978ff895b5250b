"""Prose blocks (heading, paragraph, target, note, phase) and the rich-text helpers.

The rich-text converters live here because only prose holds rich text; the
importer and tests reach them through the package.
"""

from __future__ import annotations

from html.parser import HTMLParser

from wagtail import blocks

from ..markdown import MarkdownContext, escape_html, html_multiline, md_multiline, md_text
from .base import IntChoiceBlock, MarkdownBlockMixin

LEVEL_CHOICES = [
    (0, "不编号（小标题）"),
    (1, "一级 一、"),
    (2, "二级 （一）"),
    (3, "三级 1."),
    (4, "四级 （1）"),
]
PARAGRAPH_LEVEL_CHOICES = [(0, "不编号"), *LEVEL_CHOICES[1:]]


class _RichTextToMarkdown(HTMLParser):
    """Only bold and italic exist (the editor offers nothing else)."""

    marks = {"b": "**", "strong": "**", "i": "*", "em": "*"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.marks:
            self.paragraphs[-1].append(self.marks[tag])
        elif tag == "br":
            self.paragraphs[-1].append("<br>\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.marks:
            self.paragraphs[-1].append(self.marks[tag])
        elif tag in {"p", "h2", "h3", "h4", "li"}:
            self.paragraphs.append([])

    def handle_data(self, data: str) -> None:
        self.paragraphs[-1].append(md_text(data) if data.strip() else data.strip())


def richtext_to_markdown(html: str) -> list[str]:
    parser = _RichTextToMarkdown()
    parser.feed(html or "")
    parser.close()
    return [text for p in parser.paragraphs if (text := "".join(p).strip())]


class _RichTextToPlain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def richtext_to_plain(html: str) -> str:
    parser = _RichTextToPlain()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts)


def plain_to_richtext(text: str) -> str:
    """Importer helper: plain text becomes one escaped rich-text paragraph."""
    return "".join(f"<p>{escape_html(line)}</p>" for line in str(text).splitlines() if line.strip())


# --- text blocks --------------------------------------------------------------


class HeadingBlock(MarkdownBlockMixin, blocks.StructBlock):
    level = IntChoiceBlock(choices=LEVEL_CHOICES, default=1, label="层次")
    text = blocks.CharBlock(label="标题文字", max_length=200, help_text="不要输入序号，序号按层次自动生成。")

    class Meta:
        icon = "title"
        label = "章节标题"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        level = int(raw.get("level") or 0)
        number = ctx.numbering.next(level)
        hashes = "#" * min(6, ctx.heading_base + max(0, level - 1))
        return f"{hashes} {md_text(number + raw.get('text', ''))}"


class ParagraphBlock(MarkdownBlockMixin, blocks.StructBlock):
    level = IntChoiceBlock(choices=PARAGRAPH_LEVEL_CHOICES, default=0, label="编号层次")
    text = blocks.RichTextBlock(features=["bold", "italic"], label="正文")

    class Meta:
        icon = "pilcrow"
        label = "段落"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        level = int(raw.get("level") or 0)
        number = md_text(ctx.numbering.next(level)) if level else ""
        paragraphs = richtext_to_markdown(raw.get("text", ""))
        if not paragraphs:
            return number
        paragraphs[0] = number + paragraphs[0]
        return "\n\n".join(paragraphs)

    def to_text(self, raw: dict) -> str:
        return richtext_to_plain(raw.get("text", ""))


class TargetBlock(MarkdownBlockMixin, blocks.StructBlock):
    text = blocks.TextBlock(label="目标内容")
    indicator = blocks.CharBlock(
        label="量化指标",
        required=False,
        max_length=60,
        help_text="如 ≥85%、不少于10起；留空表示没有量化指标。",
    )

    class Meta:
        icon = "success"
        label = "目标"

    def to_markdown(self, raw: dict, ctx: MarkdownContext, number: str = "") -> str:
        text = md_multiline(raw.get("text", ""))
        indicator = raw.get("indicator") or ""
        # Inline HTML inside a Markdown paragraph: Markdown still runs there, so
        # the indicator needs Markdown escaping too ("[x](javascript:…)" was a link).
        tag = f' <span class="indicator">指标：{md_text(indicator)}</span>' if indicator else ""
        return f"{md_text(number)}{text}{tag}"


class NoteBlock(MarkdownBlockMixin, blocks.StructBlock):
    text = blocks.TextBlock(label="备注内容")

    class Meta:
        icon = "info-circle"
        label = "备注"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        return f'<p class="note"><strong>备注：</strong>{html_multiline(raw.get("text", ""))}</p>'


class PhaseBlock(MarkdownBlockMixin, blocks.StructBlock):
    name = blocks.CharBlock(label="阶段名称", max_length=60)
    period = blocks.CharBlock(label="时间", required=False, max_length=60, help_text="如 2020年6月前")
    text = blocks.TextBlock(label="工作内容", required=False)

    class Meta:
        icon = "time"
        label = "工作阶段"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        number = ctx.numbering.next(2)
        period = f"（{raw['period']}）" if raw.get("period") else ""
        head = f"**{md_text(number + raw.get('name', '') + period)}**"
        text = md_multiline(raw.get("text", ""))
        return f"{head}{text}" if text else head


# Migrations name blocks by the path they had before the split (Block.canonical_module_path).
DECONSTRUCT_ALIASES = {
    HeadingBlock: "cms.core.blocks.HeadingBlock",
    ParagraphBlock: "cms.core.blocks.ParagraphBlock",
    TargetBlock: "cms.core.blocks.TargetBlock",
    NoteBlock: "cms.core.blocks.NoteBlock",
    PhaseBlock: "cms.core.blocks.PhaseBlock",
}
