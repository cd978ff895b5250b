"""Snapshot records → Markdown pages.

Pure functions: they read only the records they are given, so the public
site, the admin preview and the tests produce the same text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from cms.core.blocks import DocumentBodyBlock, body_to_markdown
from cms.core.markdown import MarkdownContext, escape_html, html_multiline, md_multiline, md_text
from cms.documents.choices import AttachmentKind, Disclosure, Topic, Validity

_BODY = DocumentBodyBlock()


def _labels(choices: list[tuple[str, str]]) -> dict[str, str]:
    """Value → label of a model's choice list: the labels are defined once, beside the field."""
    return {str(value): str(label) for value, label in choices}


DISCLOSURE_LABELS = _labels(Disclosure.choices)
# The public site's 主题分类 joins both topics with 、 where the admin's choice says 和 (kept as published).
TOPIC_LABELS = {**_labels(Topic.choices), Topic.BOTH.value: "安全生产、消防"}
VALIDITY_LABELS = _labels(Validity.choices)
# A required 信息公开 field the document itself does not give: said, never left blank.
NOT_STATED = "未署"
KIND_LABELS = _labels(AttachmentKind.choices)


def format_date(iso: str | None) -> str:
    """2022-11-23 → 2022年11月23日 (the way a 公文 prints it)."""
    if not iso:
        return ""
    year, month, day = iso[:10].split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def release_date(notice: dict[str, Any]) -> str | None:
    """The notice's 发布日期 (ISO): its first publication, never the export date.

    ``release_date`` is worked out by the snapshot; records made without it
    (older snapshots in tests) fall back to the page's first publication.
    """
    return notice.get("release_date") or notice.get("first_published_at")


def _row(label: str, value: str) -> str:
    return f"<tr><th>{label}</th><td>{value}</td></tr>"


def metadata_table(notice: dict[str, Any]) -> str:
    rows = [
        _row("索引号", escape_html(notice.get("index_number") or NOT_STATED)),
        _row("发文机关", escape_html(notice.get("issuer") or NOT_STATED)),
        _row("发文字号", escape_html(notice.get("doc_number") or "")),
        _row("成文日期", format_date(notice.get("written_date")) or NOT_STATED),
        _row("发布日期", format_date(release_date(notice))),
        _row("主题分类", TOPIC_LABELS.get(notice.get("topic") or "", "")),
        _row("公开属性", DISCLOSURE_LABELS.get(notice.get("disclosure") or "", "")),
        _row("有效性", VALIDITY_LABELS.get(notice.get("validity") or "", "")),
    ]
    return '<table class="gk-meta">\n' + "\n".join(rows) + "\n</table>"


def validity_banner(notice: dict[str, Any]) -> str:
    validity = notice.get("validity")
    if validity in {"expired", "repealed"}:
        label = VALIDITY_LABELS[validity]
        return f'<div class="validity-banner validity-{validity}">本文件已{label}，仅供查阅。</div>\n\n'
    return ""


def _title(text: str) -> str:
    return f"# {md_text(text)}\n\n"


def render_notice(
    notice: dict[str, Any],
    ctx_factory: Callable[[], MarkdownContext] = MarkdownContext,
    attachment_links: list[tuple[str, str]] | None = None,
) -> str:
    """A notice page: metadata, 版头, body, 附件说明, 署名, 日期, 版记."""
    out = [_title(notice["title"]), validity_banner(notice), metadata_table(notice), "\n\n"]
    if notice.get("issuer"):
        # 发文机关标志: the red 版头 of the printed page (site_src/assets/extra.css); the screen has the table.
        out.append(f'<p class="issuer-mark" aria-hidden="true">{escape_html(notice["issuer"])}文件</p>\n\n')
    if notice.get("doc_number"):
        out.append(f'<p class="doc-number">{escape_html(notice["doc_number"])}</p>\n\n')
    recipients, spelled_out = _recipients(notice.get("recipients") or "")
    if recipients:
        out.append(f'<p class="recipients">{recipients}</p>\n\n')
    out.append(body_to_markdown(_BODY, notice.get("body") or [], ctx_factory()))
    note = notice.get("attachment_note") or ""
    if attachment_links and _note_lists_only(note, [label for label, _ in attachment_links]):
        # 附件说明 once: the linked list of the attachments stands for a note that only names them.
        items = "\n".join(f"- [{md_text(label)}]({href})" for label, href in attachment_links)
        out.append(f'\n<p class="attachment-note">附件：</p>\n\n{items}\n')
    else:
        if note:
            out.append(f'\n<p class="attachment-note">{_attachment_note(note)}</p>\n')
        if attachment_links:
            items = "\n".join(f"- [{md_text(label)}]({href})" for label, href in attachment_links)
            out.append(f"\n{items}\n")
    tail = [
        ("signature", notice.get("signature") or ""),
        ("written-date", format_date(notice.get("written_date"))),
    ]
    out.append("\n" + "\n".join(f'<p class="{css}">{escape_html(v)}</p>' for css, v in tail if v) + "\n")
    if notice.get("disclosure") == "public":
        out.append(f'\n<p class="disclosure">（{escape_html(notice.get("disclosure_text") or "此件主动公开")}）</p>\n')
    if notice.get("remarks"):
        out.append(f'\n<p class="remarks">{escape_html(notice["remarks"])}</p>\n')
    out.append(_colophon(notice, spelled_out))
    return "".join(out)


_NOTE_PREFIX = re.compile(r"^\s*(?:附件\s*\d*\s*[:：]?)?\s*(?:\d+\s*[.．、]\s*)?")


def _note_key(text: str) -> str:
    return re.sub(r"\s+", "", _NOTE_PREFIX.sub("", text))


def _note_lists_only(note: str, labels: list[str]) -> bool:
    """Whether every line of the typed 附件说明 just names one of the attachments listed below it."""
    keys = {_note_key(label) for label in labels}
    lines = [_note_key(line) for line in note.splitlines() if line.strip()]
    return all(line in keys for line in lines)


# A line that spells out one of the 主送 groups ("市有关单位：组织部、……") or the whole list as 版记
# prints it ("主送：……"); the importer keeps it on a line of its own under the 主送 line.
_SPELLED_OUT = re.compile(r"^(?P<head>[^：:]{2,20})[:：]\s*\S")
_RECIPIENTS_END = ":：，,、；;。 \t"


def _recipients(text: str) -> tuple[str, list[str]]:
    """主送机关 as printed, and the lines spelling out its groups (for the 版记).

    GB/T 9704-2012 7.3.2: the 主送 line ends with one full-width colon, whatever
    was typed or imported (an ASCII ``:``, ``：：``, ``。`` or nothing); the text
    before it is shown as typed.  A line naming one of its
    groups ("市有关单位：……") is not part of the line: it stays where the
    original printed it, above 抄送.
    """
    head: list[str] = []
    spelled_out: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        match = _SPELLED_OUT.match(line)
        group = match.group("head").strip() if match else ""
        if head and match and (group.startswith("主送") or group in "".join(head)):
            spelled_out.append(line)
        else:
            head.append(line)
    lines = [line.rstrip(_RECIPIENTS_END) for line in head]
    lines = [line for line in lines if line]
    if not lines:
        return "", spelled_out
    return html_multiline("\n".join(lines) + "："), spelled_out


def _attachment_note(text: str) -> str:
    lines = [escape_html(line.strip()) for line in text.splitlines() if line.strip()]
    return "附件：" + "<br>".join(lines) if not text.startswith("附件") else "<br>".join(lines)


def _colophon(notice: dict[str, Any], spelled_out: Sequence[str] = ()) -> str:
    """版记: the 主送 groups spelled out, 抄送 and 印发, between rules as printed."""
    rows = [f'<p class="recipients-detail">{escape_html(line)}</p>' for line in spelled_out]
    if notice.get("copied_to"):
        rows.append(f'<p class="copied-to">抄送：{escape_html(notice["copied_to"])}</p>')
    printed = " ".join(
        x for x in (escape_html(notice.get("printed_by") or ""), format_date(notice.get("printed_date"))) if x
    )
    if printed:
        rows.append(f'<p class="printed">{printed}印发</p>')
    return f'\n<div class="colophon">\n{"".join(rows)}\n</div>\n' if rows else ""


def _notice_reference(notice: dict[str, Any], notice_href: str | None) -> str:
    """The notice an attachment or letter belongs to, linked when the caller knows its URL.

    ``notice_href`` goes into raw HTML, which MkDocs does not rewrite, so it
    must already be the final (relative ``.html``) address.
    """
    title = escape_html(notice.get("title") or "")
    if notice_href:
        title = f'<a href="{escape_html(notice_href)}">{title}</a>'
    return title + (f"（{escape_html(notice['doc_number'])}）" if notice.get("doc_number") else "")


def render_attachment(
    attachment: dict[str, Any],
    notice: dict[str, Any],
    ctx_factory: Callable[[], MarkdownContext] = MarkdownContext,
    child_links: list[tuple[str, str]] | None = None,
    notice_href: str | None = None,
) -> str:
    label = f"附件{attachment['number']}" if attachment.get("number") else "附件"
    out = [
        _title(attachment["title"]),
        validity_banner(notice),
        f'<p class="attachment-of">{label}　·　{_notice_reference(notice, notice_href)}</p>\n\n',
        body_to_markdown(_BODY, attachment.get("body") or [], ctx_factory()),
    ]
    if child_links:
        out.append("\n" + "\n".join(f"- [{md_text(t)}]({href})" for t, href in child_links) + "\n")
    return "".join(out)


def render_letter(
    letter: dict[str, Any],
    notice: dict[str, Any],
    unit_html: str,
    ctx_factory: Callable[[], MarkdownContext] = MarkdownContext,
    notice_href: str | None = None,
) -> str:
    of = f'<p class="attachment-of">{_notice_reference(notice, notice_href)}</p>\n\n' if notice_href else ""
    return "".join(
        [
            _title(letter["title"]),
            validity_banner(notice),
            of,
            f'<p class="letter-unit">责任单位：{unit_html}</p>\n\n',
            body_to_markdown(_BODY, letter.get("body") or [], ctx_factory()),
        ]
    )


def plain_paragraphs(text: str) -> str:
    return md_multiline(text)
