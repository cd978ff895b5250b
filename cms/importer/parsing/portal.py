"""Copies of 政府信息公开 portal pages: drop the page chrome, read the metadata block.

Most documents offices hold are copied from a portal page rather than saved
from Word: breadcrumbs, font-size switches, "打印本页 关闭窗口", share
widgets and navigation lists surround the text, and a 信息公开 metadata
block (索引号, 主题分类, 发布机构, 成文日期, 发文字号, 有效性) sits above
the title. The recogniser must never mistake those lines for the title, the
主送 or the body, so they are taken out of the item stream first; what was
dropped is kept (``chrome``) for the import report, and the metadata pairs
become document fields.

The metadata block comes in several layouts, all read here: one pair a line,
two pairs a line, bullets (``• 索引号:…``), a table (cells), or the whole
block flattened into one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .tree import SourceParagraph, SourceTable

__all__ = ["PortalCopy", "split_portal"]

Item = SourceParagraph | SourceTable

# Keys of the 信息公开 block. Strong keys only occur there; weak ones (名称,
# 文号 …) count only next to a strong line, as body text may start with them.
_STRONG_KEYS = (
    "索引号|主题分类|体裁分类|组配分类|服务对象分类|发布机构|发文机构|发文机关|成文日期|发文日期|发布日期"
    "|发文字号|有效性|时效性|效力状态|公开方式|公开范围|公开时限|信息来源|所属机构|生成日期|统一编号|主\\s*题\\s*词"
)
_WEAK_KEYS = "名\\s*称|标\\s*题|文\\s*号|主\\s*题|关键词|来\\s*源|文件编号"
_KEY = re.compile(rf"(?P<key>{_STRONG_KEYS}|{_WEAK_KEYS})\s*[:：]")
_STRONG = re.compile(rf"^(?:{_STRONG_KEYS})$")
_CELL_KEY = re.compile(rf"(?P<key>{_STRONG_KEYS}|{_WEAK_KEYS})\s*[:：]?")
_BULLET = re.compile(r"^[•·●○◦▪■□\-\*‧]\s*")
_PIPES = re.compile(r"[|｜]")

_CHROME: list[re.Pattern[str]] = [
    re.compile(r"^(?:您的位置|当前位置|您现在的位置|您所在的位置|所在位置)\s*[:：]"),
    re.compile(r"^首\s*页\s*(?:[>＞»›/→]|&gt;)"),
    re.compile(r"字\s*体\s*[:：]?\s*[【\[（(]?\s*大\s*[】\]）)]?\s*[【\[（(]?\s*中\s*[】\]）)]?\s*[【\[（(]?\s*小"),
    re.compile(r"^(?:发布时间|发布日期|来\s*源)\s*[:：].*(?:来\s*源|阅读|浏览|点击|访问|作者|字号)"),
    re.compile(r"(?:阅读|浏览|访问|点击)\s*(?:人次|次数|量|数)\s*[:：]?\s*[0-9]*\s*$"),
    re.compile(r"打印本页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】|^打印\s*关闭$|^\[\s*打印\s*\]|收藏本页"),
    re.compile(r"扫一扫|在手机(?:上)?打开|手机扫码|^分享到\s*[:：]?"),
    re.compile(
        r"^(?:Document|搜\s*索|站内搜索|全站搜索|高级搜索|检\s*索|请输入(?:关键字|关键词|搜索内容|内容)?|搜索\s*高级搜索)$"
    ),
    re.compile(r"^[|｜\s\-—:：]+$"),
    re.compile(r"^(?:上一篇|下一篇)\s*[:：]"),
    re.compile(r"^(?:无障碍|长者模式|关怀版|网站地图|English|登录|注册|繁體|繁体|简体)(?:\s*[|｜/]\s*\S{1,6})*$"),
    re.compile(r"^(?:版权所有|主办单位|承办单位|网站标识码|技术支持)\s*[:：]|ICP备|公网安备"),
]
_NAV_WORDS = re.compile(
    r"^(?:首页|政务公开|信息公开|政府信息公开|政府信息公开目录|新闻中心|新闻动态|政务服务|办事服务|互动交流|政民互动"
    r"|走进\S{1,6}|通知公告|政策文件|政策解读|工作动态|网站地图|专题专栏|数据发布|机构职能|法定主动公开内容)$"
)
_NAV_ITEM = re.compile(r"^[•·●○◦▪■□\-\*‧]\s*(?P<text>[^，。；：:,;！？]{1,14})$")


@dataclass
class PortalCopy:
    """What ``split_portal`` took out of the stream."""

    items: list[Item]
    chrome: list[tuple[int, str]] = field(default_factory=list)  # (line, text) dropped as page chrome
    metadata: dict[str, str] = field(default_factory=dict)  # key (spaces removed) → value as written
    metadata_lines: list[tuple[int, str]] = field(default_factory=list)


def _is_chrome(text: str) -> bool:
    return any(pattern.search(text) for pattern in _CHROME)


def _cell_pairs(cells: list[str]) -> list[tuple[str, str]] | None:
    """Pairs from table cells laid out key, value, key, value (``| 索引号 | … | 主题分类 | … |``).

    A portal's metadata block is an HTML table; copied as text it becomes pipe
    rows or a Word table whose key cells carry no colon.
    """
    cells = [cell.strip() for cell in cells if cell.strip()]
    if len(cells) < 2 or len(cells) % 2:
        return None
    keys = [_CELL_KEY.fullmatch(cell) for cell in cells[0::2]]
    if not all(keys):
        return None
    return [(re.sub(r"\s+", "", key.group("key")), value) for key, value in zip(keys, cells[1::2], strict=True) if key]


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """Key/value pairs when the whole line is made of them ("索引号：… 主题分类：…"), else None."""
    if _PIPES.search(text):
        cells = _cell_pairs(_PIPES.split(text))
        if cells is not None:
            return cells
    line = _BULLET.sub("", _PIPES.sub(" ", text)).strip()
    matches = list(_KEY.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        key = re.sub(r"\s+", "", match.group("key"))
        pairs.append((key, line[match.end() : end].strip()))
    return pairs


def _strong(pairs: list[tuple[str, str]]) -> bool:
    return any(_STRONG.match(key) for key, _ in pairs) or len(pairs) >= 2


def _table_text(table: SourceTable) -> str:
    return " ".join(cell.text.strip() for row in table.rows for cell in row if cell.text.strip())


def _table_pairs(table: SourceTable) -> list[tuple[str, str]] | None:
    """Pairs of a metadata table: every row key/value cells, or the cells' text read as one line."""
    pairs: list[tuple[str, str]] = []
    for row in table.rows:
        found = _cell_pairs([cell.text for cell in row])
        if found is None:
            return _pairs(_table_text(table))
        pairs += found
    return pairs or None


def split_portal(items: list[Item]) -> PortalCopy:
    """Take chrome and the 信息公开 block out of ``items``; keep everything else in order."""
    result = PortalCopy(items=[])
    texts = [_table_text(item) if isinstance(item, SourceTable) else item.text.strip() for item in items]
    pairs = [
        _table_pairs(item) if isinstance(item, SourceTable) else _pairs(text) if text else None
        for item, text in zip(items, texts, strict=True)
    ]
    strong = [p is not None and _strong(p) for p in pairs]
    is_meta = list(strong)
    # weak keys ("名称：", "文号：") next to the block belong to it; a key whose
    # value is on the next line (a copied two-column table) takes that line.
    changed = True
    while changed:
        changed = False
        for k, found in enumerate(pairs):
            beside = (k > 0 and is_meta[k - 1]) or (k + 1 < len(items) and strong[k + 1])
            if found is not None and not is_meta[k] and beside:
                is_meta[k] = changed = True
    value_lines: set[int] = set()
    for k, found in enumerate(pairs):
        if is_meta[k] and found and not found[-1][1] and k + 1 < len(items) and pairs[k + 1] is None:
            following = texts[k + 1]
            if following and len(following) <= 80 and not _is_chrome(following):
                found[-1] = (found[-1][0], following)
                value_lines.add(k + 1)
    nav = _nav_runs(texts)
    for k, item in enumerate(items):
        text = texts[k]
        if not text:
            result.items.append(item)
            continue
        stated = pairs[k]
        if is_meta[k] and stated is not None:
            result.metadata_lines.append((item.line, text))
            for key, value in stated:
                if value and key not in result.metadata:
                    result.metadata[key] = value
            continue
        if k in value_lines:
            result.metadata_lines.append((item.line, text))
            continue
        if isinstance(item, SourceParagraph) and (k in nav or _is_chrome(text)):
            result.chrome.append((item.line, text))
            continue
        result.items.append(item)
    return result


def _nav_runs(texts: list[str]) -> set[int]:
    """Indexes of navigation bullet lists: runs of two or more short bullet lines, or a bare nav word."""
    found: set[int] = set()
    run: list[int] = []
    words: list[str] = []  # the run's bullet texts
    for k, text in enumerate([*texts, ""]):
        match = _NAV_ITEM.match(text) if text else None
        if match:
            run.append(k)
            words.append(match.group("text"))
            continue
        if len(run) >= 3 or any(_NAV_WORDS.match(word) for word in words):
            found.update(run)
        run = []
        words = []
        if text and _NAV_WORDS.match(text):
            found.add(k)
    return found
