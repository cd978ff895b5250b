"""The recogniser's patterns and the small text helpers built on them.

Every regular expression the recogniser matches lives here, so a pattern is
read and changed in one place, whichever part of a document uses it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from cms.documents.doc_number import CLOSE as DOC_CLOSE
from cms.documents.doc_number import OPEN as DOC_OPEN

from ..tree import SourceParagraph, SourceTable

Item = SourceParagraph | SourceTable

# --- patterns -------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百"

# 层次序数, full- and half-width.  Level 3 needs a separator not followed by a
# digit, so "1.5倍" and "2022年" are not numbering.
_NUMBERING: list[tuple[int, re.Pattern[str]]] = [
    (2, re.compile(rf"^(?P<tok>[（(]\s*[{_CN_NUM}]{{1,4}}\s*[）)])\s*")),
    (4, re.compile(r"^(?P<tok>[（(]\s*[0-9０-９]{1,3}\s*[）)])\s*")),
    (1, re.compile(rf"^(?P<tok>[{_CN_NUM}]{{1,4}}\s*[、．.])\s*")),
    (3, re.compile(r"^(?P<tok>[0-9０-９]{1,3}\s*(?:[.．](?![0-9０-９])|、))\s*")),
]

_DOC_NUMBER = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff]{{1,15}})\s*{DOC_OPEN}\s*(?P<year>[0-9]{{4}})\s*{DOC_CLOSE}\s*"
    r"(?P<seq>[0-9]{1,5})\s*号"  # the brackets cms.documents.doc_number.DOC_NUMBER_RE accepts
    r"(?:\s+签\s*发\s*人\s*[:：]\s*(?P<signer>\S.*))?$"
)
_SIGNER = re.compile(r"^签\s*发\s*人\s*[:：]\s*(?P<signer>\S.*)$")
_ORGAN_MARK = re.compile(r"^(?P<org>[\u4e00-\u9fff、\s]{2,40}?)\s*文\s*件$")

_DATE = (
    r"(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>[0-9]{1,2}|[一二三四五六七八九十]{1,4})\s*日"
)
_DATE_LINE = re.compile(rf"^{_DATE}$")
_PRINTED = re.compile(rf"^(?P<org>.*?)\s*{_DATE}\s*(?P<tail>印\s*发)$")
_COPIED = re.compile(r"^(?P<tok>抄\s*送\s*(?:单位|机关)?\s*[:：])\s*(?P<text>.*)$")
_DISCLOSURE_WORDS = "主动公开|公开发布|依申请公开|不予公开|不公开|免予公开|免于公开|不宜公开|予以公开|公开"
_DISCLOSURE = re.compile(
    rf"^[（(]?\s*(?:(?:信息)?公开(?:方式|属性|选项|类型)\s*[:：]\s*|此件|本件|本文件?)\s*(?P<kind>{_DISCLOSURE_WORDS})"
    r"\s*[)）]?\s*。?$"
)
_DISCLOSURE_BARE = re.compile(rf"^[（(]\s*(?P<kind>{_DISCLOSURE_WORDS})\s*[)）]$")
_REMARK = re.compile(r"^[（(]\s*(?:联系人|附注|注)\s*[:：].*[)）]$")

_LABEL = re.compile(rf"^附\s*件\s*(?:(?P<num>[0-9０-９]{{1,3}}|[{_CN_NUM}]{{1,3}})\s*[:：]?)?$")
_NOTE_HEAD = re.compile(r"^(?P<tok>附\s*件\s*[:：])\s*(?P<text>.*)$")
_NOTE_ITEM = re.compile(r"^[0-9０-９]{1,2}\s*[.．、]")

_RESPONSIBLE = re.compile(r"^(?P<tok>(?:责任|牵头|承办)单位\s*[:：])\s*(?P<text>.*)$")
_DEADLINE = re.compile(r"^(?P<tok>(?:完成|办结)?(?:时限|时间|期限)(?:要求)?\s*[:：])\s*(?P<text>.+)$")
_NOTE = re.compile(r"^(?P<tok>备\s*注\s*[:：])\s*(?P<text>.*)$", re.S)
# "…按职责分工负责三、时间安排": a heading glued to the end of a 责任单位 line.
_GLUED_HEADING = re.compile(rf"^(?P<head>.*[^{_CN_NUM}])(?P<tail>[{_CN_NUM}]{{1,3}}、[^，。；、：:,;]{{2,12}})$")

_ROLE = re.compile(
    r"^(?P<role>(?:常\s*务\s*)?副?\s*组\s*长|成\s*员|办\s*公\s*室\s*副?\s*主\s*任|副?\s*主\s*任|顾\s*问|秘\s*书\s*长)"
    r"\s*(?P<tok>[:：])\s*(?P<rest>.+)$"
)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

_SUBTITLE = re.compile(r"^(?P<text>[^，。；;,、：:！？!?（）()]{2,16})(?P<tok>[:：])$")
_ASPECT = re.compile(r"^(?P<text>(?:安全生产|消防(?:安全)?(?:工作)?|[\u4e00-\u9fff]{2,8})方面)(?P<tok>[:：]?)$")

_LETTER_ONE = re.compile(
    r"^(?P<year>[0-9]{4})\s*年(?!度)\s*(?P<unit>[^，。；：:、\s]{2,40}?)\s*"
    r"(?P<scope>安全生产和消防|安全生产与消防|安全生产|消防)?(?:工作)?目标责任$"
)
_LETTER_HEAD = re.compile(r"^[0-9]{4}\s*年(?!度)[^，。；：:、\s]{2,40}$")
_LETTER_TAIL = re.compile(r"^[^，。；：:、\s]{0,20}目标责任$")

_PHASE_SECTION = re.compile(r"时间安排|实施步骤|工作步骤|步骤安排|进度安排|阶段安排|时间步骤|方法步骤")
_PHASE = re.compile(
    r"^(?P<name>[^（(，。：:；]{2,12}?)\s*(?P<open>[（(])(?P<period>[^（()）]{2,30}?)(?P<close>[）)])\s*(?P<dot>[。.]?)\s*(?P<text>.*)$",
    re.S,
)
_SPECIFIC = re.compile(r"个性.*目标")

_TITLE_END = re.compile(
    r"(?:通知|意见|方案|决定|办法|规定|细则|要点|计划|规划|报告|请示|批复|函|纪要|公告|通告|通报|目标责任书?|责任书"
    r"|清单|一览表|统计表|表|工作机制|机制|领导组|领导小组|名单|指南|制度|目标责任)$"
)
_TABLE_TITLE_END = re.compile(r"(?:清单|表|名单|明细|目录)$")
_SENTENCE_END = "。！？!?；;：:"
_DECORATION = re.compile(r"^(?:[-—–－_＿=＝─━·•*＊~～]{3,}|[-—–－]\s*[0-9]{1,4}\s*[-—–－])$")
_INDICATOR = re.compile(
    r"(?:[≥≤＞＜><]\s*)?(?:(?:不少于|不低于|不超过|不高于|不多于|不大于|不小于|至少|低于|高于|超过)\s*)?"
    r"[0-9]+(?:\.[0-9]+)?\s*[%％](?:\s*以[上下])?"
    r"|(?:不少于|不低于|不超过|不高于|不多于|至少)\s*[0-9]+(?:\.[0-9]+)?\s*"
    r"(?:个|起|次|人|家|处|项|场次|场|所|支|台|部|条|件|名|户|课时|分|天|万|小时)"
)
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$")

_WHITESPACE = re.compile(r"\s+")
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")


# --- small helpers --------------------------------------------------------------------


def _squash(text: str) -> str:
    """Remove layout spaces next to Chinese characters ("2022 年度" → "2022年度")."""
    return _SPACE_NEAR_CJK.sub("", text).strip()


def _bare(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _numbering(text: str) -> tuple[int, str, str] | None:
    """(level, token, rest) when the text starts with a 层次序数 token."""
    for level, pattern in _NUMBERING:
        match = pattern.match(text)
        if match and match.end() < len(text):
            return level, match.group("tok"), text[match.end() :].strip()
    return None


def _is_heading_text(rest: str) -> bool:
    """A numbered line is a heading when it is a short title without sentence body."""
    return 0 < len(rest) <= 40 and not any(ch in rest for ch in "。；;！？!?")


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip("”’」』\"'")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


_CN_DIGIT_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_to_int(text: str) -> int | None:
    """Arabic or Chinese numerals (一, 十一, 二十三, 二〇二二) to int."""
    if text.isascii() and text.isdigit():
        return int(text)
    digits = _CN_DIGIT_VALUES
    if len(text) == 4 and all(ch in digits for ch in text):  # a year written digit by digit
        return int("".join(str(digits[ch]) for ch in text))
    if "十" in text:
        tens, _, units = text.partition("十")
        if (tens and tens not in digits) or (units and units not in digits):
            return None
        return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
    if len(text) == 1 and text in digits:
        return digits[text]
    return None


def _parse_date(match: re.Match[str]) -> date | None:
    year, month, day = (_cn_to_int(match.group(k)) for k in ("y", "m", "d"))
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _organ_like(text: str) -> bool:
    """A signature / printing organ: a short name without punctuation or numbering."""
    return (
        0 < len(text) <= 40
        and not any(ch in text for ch in "。，,；;：:！？!?、")
        and _numbering(text) is None
        and not _DATE_LINE.match(text)
        and not _LABEL.match(text)
    )


def _title_like(text: str) -> bool:
    """Could this line be (part of) a title?"""
    return (
        2 <= len(text) <= 80
        and "。" not in text
        and text[-1] not in "；;！？!?：:，,"
        and _numbering(text) is None
        and not _LABEL.match(text)
        and not _NOTE_HEAD.match(text)
        and not _RESPONSIBLE.match(text)
        and not _NOTE.match(text)
        and not _COPIED.match(text)
        and not _DATE_LINE.match(text)
        and not _PRINTED.match(text)
        and not _ROLE.match(text)
        and not _DISCLOSURE.match(text)
        and not _DECORATION.match(text)
    )


def _indicator(text: str) -> str:
    match = _INDICATOR.search(text)
    return _bare(match.group(0)) if match else ""


def _letter_title(items: Sequence[Item], i: int) -> tuple[str, str, int] | None:
    """(title, unit, lines used) when a per-unit letter title starts at ``items[i]``."""
    item = items[i]
    if not isinstance(item, SourceParagraph):
        return None
    text = _squash(item.text)
    match = _LETTER_ONE.match(text)
    if match:
        return text, match.group("unit"), 1
    if _LETTER_HEAD.match(text) and i + 1 < len(items) and isinstance(following := items[i + 1], SourceParagraph):
        second = _squash(following.text)
        if _LETTER_TAIL.match(second):
            match = _LETTER_ONE.match(text + second)
            if match:
                return text + second, match.group("unit"), 2
    return None


def _member(rest: str, need_position: bool) -> tuple[str, str, list[str]] | None:
    """Split "郭阳灿  乡党委书记" / "黄  芃  乡党委委员" / "郭阳灿（乡党委书记）".

    Returns (name, position, stripped tokens) or None when the text is not a
    member line.
    """
    rest = rest.strip()
    tokens = rest.split()
    if tokens:
        name = tokens[0]
        used = 1
        while len(name) < 2 and used < len(tokens) and len(tokens[used]) == 1:
            name += tokens[used]
            used += 1
        position = " ".join(tokens[used:])
        if _CJK_NAME.match(name) and (position or not need_position) and "。" not in position and len(position) <= 60:
            return name, position, []
    bracket = re.match(
        r"^(?P<name>[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff])\s*"
        r"(?P<open>[（(])(?P<pos>[^（）()]{1,60})(?P<close>[）)])$",
        rest,
    )
    if bracket:
        tokens = [bracket.group("open"), bracket.group("close")]
        return _bare(bracket.group("name")), bracket.group("pos").strip(), tokens
    return None
