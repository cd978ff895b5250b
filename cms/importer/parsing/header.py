"""Header fields the 版头 does not give: from the 信息公开 block, from the text, or a placeholder.

Documents copied from a portal or typed without a 版头 still import: a
missing title is taken from the document's own words (``关于…的通知``) or
left as ``（未识别标题）`` with a warning; dates that cannot be read
(``2024227``) are reported, never guessed; a cover letter (印发通知)
followed by its plan without an ``附件`` label is split so the plan becomes
the attachment. These rules live here, not in ``recognise``, which only
calls them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from cms.documents.doc_number import CLOSE as DOC_CLOSE
from cms.documents.doc_number import OPEN as DOC_OPEN

from .tree import SourceParagraph, SourceTable

__all__ = [
    "PLACEHOLDER_TITLE",
    "damaged_date",
    "metadata_date",
    "metadata_doc_number",
    "metadata_validity",
    "plan_start",
    "title_from_content",
]

Item = SourceParagraph | SourceTable

PLACEHOLDER_TITLE = "（未识别标题）"

_STATED_TITLE = re.compile(
    r"关于[^。；;！？!?\n]{2,80}?的(?:通报|通知|实施方案|工作方案|方案|意见|决定|报告|批复|函|通告|公告|办法|规定)"
)
_ISO_DATE = re.compile(r"^(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*[-/.月]\s*(?P<d>[0-9]{1,2})\s*日?$")
# Digits that look like a date but are not one: "2024227", "2024年227日", "2024-0227".
_DAMAGED_DATE = re.compile(r"^(?:19|20)[0-9]{2}\s*[-/.年]?\s*[0-9]{2,4}\s*[-/.月日]?\s*[0-9]{0,2}\s*日?$")
# The brackets are the ones cms.documents.doc_number accepts (the model validates the stored field against them).
_DOC_NUMBER = re.compile(
    rf"^[（(]?\s*(?P<org>[\u4e00-\u9fff]{{1,15}})\s*{DOC_OPEN}\s*(?P<year>[0-9]{{4}})\s*{DOC_CLOSE}\s*"
    r"(?P<seq>[0-9]{1,5})\s*号\s*[）)]?$"
)
_VALIDITY = {"有效": "valid", "现行有效": "valid", "失效": "expired", "已失效": "expired", "废止": "repealed"}
# A cover letter that issues a plan: its title says 印发 and names the plan.
_ISSUES_PLAN = re.compile(r"印\s*发|转\s*发|下\s*达")
_PLAN_TITLE = re.compile(
    r"(?:实施方案|工作方案|行动方案|专项方案|方案|工作要点|要点|工作计划|计划|实施细则|细则|办法|目标责任|清单|规则|制度)$"
)


def title_from_content(items: Sequence[Item], limit: int = 30) -> str:
    """The title a document states in its own words near its start, or ``""``.

    A ``关于…的通知`` inside 《》 names another document (根据《…》), not this one.
    """
    for item in items[:limit]:
        if isinstance(item, SourceParagraph):
            for match in _STATED_TITLE.finditer(item.text):
                if item.text[max(0, match.start() - 1) : match.start()] != "《":  # 《…》 cites another document
                    return re.sub(r"\s+", "", match.group(0))
    return ""


def metadata_date(value: str) -> date | None:
    """A 信息公开 date (``2024-02-27``, ``2024年2月27日``, ``2024/2/27``) or None."""
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def damaged_date(text: str) -> bool:
    """Digits in the place of a date that no reading makes unambiguous (``2024227``)."""
    return bool(_DAMAGED_DATE.match(text.strip())) and metadata_date(text) is None


def metadata_doc_number(value: str) -> str:
    """The 发文字号 normalised as the recogniser writes it, or ``""``."""
    match = _DOC_NUMBER.match(value.strip())
    if not match:
        return ""
    return f"{match.group('org')}〔{match.group('year')}〕{int(match.group('seq'))}号"


def metadata_validity(value: str) -> str:
    return _VALIDITY.get(re.sub(r"\s+", "", value), "")


def plan_start(
    title: str,
    items: Sequence[Item],
    closing_date: Callable[[str], bool],
    title_like: Callable[[str], bool],
) -> int | None:
    """Where the plan starts after a cover letter that issues it without an ``附件`` label.

    The cover letter's title issues something (``关于印发《…方案》的通知``);
    after its 成文日期 (and optional 公开属性 / 附注 lines in brackets) comes a
    title-like line naming a plan. Returns that line's index.
    """
    if not _ISSUES_PLAN.search(title):
        return None
    for index, item in enumerate(items):
        if not (isinstance(item, SourceParagraph) and closing_date(item.text)):
            continue
        k = index + 1
        while k < len(items) and isinstance(note := items[k], SourceParagraph) and note.text[:1] in "（(":
            k += 1
        if k >= len(items) - 1:
            continue
        plan = items[k]
        if not isinstance(plan, SourceParagraph):
            continue
        candidate = re.sub(r"\s+", "", plan.text)
        if title_like(plan.text) and (_PLAN_TITLE.search(candidate) or candidate.strip("《》") in title):
            return k
        # a plan title over two lines
        if (
            k + 1 < len(items)
            and isinstance(second := items[k + 1], SourceParagraph)
            and title_like(plan.text)
            and _PLAN_TITLE.search(re.sub(r"\s+", "", second.text))
            and len(candidate) <= 40
        ):
            return k
    return None
