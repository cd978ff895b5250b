"""What a written unit name says about itself, without the registry.

Official documents of towns, districts and cities name their 责任单位 in a
handful of regular shapes: a place (``张坂镇``, ``集美街道``), a level word
standing for "our" jurisdiction (``区公安分局``), a standard abbreviation
(``城管分局`` for ``城市管理分局``), or a collective reference (``各乡镇（街道）``,
``乡安委会各成员单位``).  The importer, the unit registry and the editors all
need the same reading of these shapes, so it lives here once, as pure
functions over strings: no models, no database, no document-specific lists.

Every rule reads the *end* of a name (Chinese organ names are head-final: the
last word says what the body is) or a *leading* place/level; nothing is
decided from a character in the middle, so ``市农业农村局`` is a department
although it contains 村.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from opencc import OpenCC

from cms.units.choices import GroupKind, UnitKind

__all__ = [
    "GROUP_DEPARTMENTS",
    "GROUP_ENTERPRISES",
    "GROUP_MEMBERS",
    "GROUP_NAMES",
    "GROUP_PLACES",
    "GROUP_VILLAGES",
    "NameProblem",
    "collective_kind",
    "group_name",
    "infer_kind",
    "is_valid_unit_name",
    "level_prefix",
    "match_key",
    "name_problem",
    "normalise",
    "place_chain",
    "split_run_on",
]

_HAN = "\u4e00-\u9fff"

# --- normalisation ------------------------------------------------------------------------------

_WIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", " ": "", "\u3000": "", "\t": ""})


def normalise(name: str) -> str:
    """Full-width brackets and punctuation, no spaces: the form every rule here reads.

    Word files mix ASCII and full-width brackets freely; comparing or matching
    the raw text would make ``区局(海洋)`` and ``区局（海洋）`` two names.
    """
    return (name or "").strip().translate(_WIDTH)


_T2S = OpenCC("t2s")


@lru_cache(maxsize=8192)
def _rule_text(name: str) -> str:
    """``normalise`` in 简体: the form the classifying rules read.

    Portal mirrors serve 繁体 (``各鄉鎮人民政府``, ``縣消安委各成員單位``); the
    names are stored as written, but every rule here is written in 简体, so a
    name is judged on its simplified copy.  It also gives a 繁体 and a 简体
    spelling of one unit the same match key.
    """
    return _T2S.convert(normalise(name))


# --- level prefixes -----------------------------------------------------------------------------

_LEVEL_CHARS = "市区县乡镇"
# Words that begin with a level character but are not "our 市/区/…" + a name:
# 市场监督管理局 is not 市 + 场监督管理局.  Two-character words only; 市政府 is
# 市 + 政府 (hence 政 not followed by 府).
_NOT_PREFIX = re.compile(
    r"^(?:市(?:场|政(?!府)|容|民|区|级|属|域|县|直|委|辖|中心)"
    r"|区(?:域|县|级|属|直|委|划|间)"
    r"|县(?:域|城|级|属|直|委|区|市|乡)"
    r"|乡(?:村|镇|级|直|委|贤|土)"
    r"|镇(?:街|村|级|直|委|域|乡|区))"
)
# Real place names that begin with a level character (national data, short):
# without them 镇江市公安局 would read as 镇 + 江市公安局.
_PLACE_STEMS_WITH_LEVEL_CHAR = (
    "市中",
    "镇江",
    "镇远",
    "镇雄",
    "镇安",
    "镇平",
    "镇赉",
    "镇原",
    "镇宁",
    "镇坪",
    "镇巴",
    "镇康",
    "镇沅",
    "镇海",
    "乡宁",
    "乡城",
)


def level_prefix(name: str) -> tuple[str, str]:
    """``区公安分局`` → ``("区", "公安分局")``; ``市场监督管理局`` → ``("", "市场监督管理局")``.

    Documents write a bare level word for their own jurisdiction (``乡派出所``
    in a township's document is that township's station), so the prefix must be
    separable to compare ``区公安分局`` with ``公安分局``.  A level character is a
    prefix only when it does not start a word (``市场``, ``乡镇``) or a real
    place name (``镇江市``), and something of two or more characters follows.
    """
    text, written = _rule_text(name), normalise(name)
    rest = written if len(written) == len(text) else text  # the name as written, unless conversion moved it
    if (
        len(text) >= 3
        and text[0] in _LEVEL_CHARS
        and not _NOT_PREFIX.match(text)
        and not text.startswith(_PLACE_STEMS_WITH_LEVEL_CHAR)
    ):
        return text[0], rest[1:]
    return "", rest


# --- place chains -------------------------------------------------------------------------------

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "township", "village"
_RANK = {PROVINCE: 0, CITY: 1, COUNTY: 2, TOWNSHIP: 3, VILLAGE: 4}

# Suffix → level, longest first.  Development and investment zones
# (开发区, 台商投资区, 新区 …) are run by a 管委会 at county level and appear as
# issuers and as the "区" of 区公安分局, so they are county places.  A 园区,
# 景区 or 社区 word is not a county (see _NOT_PLACE_ENDINGS).
_PLACE_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("自治区", PROVINCE),
    ("自治州", CITY),
    ("自治县", COUNTY),
    ("自治旗", COUNTY),
    ("开发区", COUNTY),
    ("投资区", COUNTY),
    ("实验区", COUNTY),
    ("试验区", COUNTY),
    ("示范区", COUNTY),
    ("合作区", COUNTY),
    ("高新区", COUNTY),
    ("新区", COUNTY),
    ("街道", TOWNSHIP),
    ("社区", VILLAGE),
    ("省", PROVINCE),
    ("市", CITY),
    ("盟", CITY),
    ("区", COUNTY),
    ("县", COUNTY),
    ("旗", COUNTY),
    ("乡", TOWNSHIP),
    ("镇", TOWNSHIP),
    ("村", VILLAGE),
)
# Names that may be longer than eight characters: autonomous areas and zones.
_LONG_SUFFIXES = {
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "开发区",
    "投资区",
    "实验区",
    "试验区",
    "示范区",
    "合作区",
    "高新区",
}
# Ordinary words ending in 区 that are not a jurisdiction.
_NOT_PLACE_ENDINGS = re.compile(
    r"(?:园区|景区|校区|库区|厂区|辖区|片区|小区|街区|保护区|风景区|山区|林区|牧区|灾区|城区|市区|镇区|矿区|港区|湾区"
    r"|服务区|功能区|集聚区|区域|乡村|城乡|县乡|乡镇|镇乡|镇村|村镇|省市|市县|县市|区县|县区"
    r"|城镇|小镇|古镇|集镇|市镇|农村|山村|渔村|城中村|超市|夜市|集市|都市)$"
)
# A place name never contains these: they are organs, collectives or prose.
_NOT_IN_PLACE = re.compile(
    r"各|年|局|委|办|厅|政府|党|所|队|公司|中心|站|部门|管理|关于|印发|的|与|及|或|我|等|有关|相关|直属"
)
# 全市, 本区, 我县: the document's own jurisdiction, not a name.
_DEICTIC_PLACE = re.compile(r"^[全本我该此外跨各][省市区县旗乡镇村]$")
_PLACE_CHARS = re.compile(f"^[{_HAN}]+$")
# Bodies written between two places of one chain: 集美区人民政府集美街道办事处.
# What may follow a two-character place name (沙县, 易县): two-character words
# ending in a level character are mostly ordinary words (城市管理, 全市, 农村),
# so such a name counts only before its own bodies or another place.
_AFTER_SHORT_PLACE = re.compile(r"^(?:$|人民政府|政府|党委|党工委|委员会|委|管委会|办事处|人大|政协|纪委)")
_CHAIN_CONNECTOR = re.compile(r"^(?:人民政府|政府|管委会|管理委员会)")
_LEADING_PARTY = re.compile(r"^(?:中国共产党|中共)")


def _place_suffix(candidate: str) -> tuple[str, str] | None:
    for suffix, level in _PLACE_SUFFIXES:
        if candidate.endswith(suffix) and len(candidate) > len(suffix):
            return suffix, level
    return None


def _acceptable_place(candidate: str) -> tuple[str, str] | None:
    """The (suffix, level) of a candidate place name, or None when it is not one."""
    if not _PLACE_CHARS.match(candidate) or _NOT_IN_PLACE.search(candidate):
        return None
    if _NOT_PLACE_ENDINGS.search(candidate) or _DEICTIC_PLACE.match(candidate):
        return None
    found = _place_suffix(candidate)
    if found is None:
        return None
    suffix, _level = found
    if len(candidate) > 8 and suffix not in _LONG_SUFFIXES:
        return None
    if candidate[0] in _LEVEL_CHARS and not candidate.startswith(_PLACE_STEMS_WITH_LEVEL_CHAR):
        # 区城市(管理分局), 乡村, 县乡: a level word, not a place name
        return None
    return found


def _next_place(text: str) -> tuple[str, str] | None:
    """The place name at the start of ``text`` and its level, or None.

    The shortest acceptable name wins (厦门市 before 厦门市集美区) except that
    an autonomous area or a zone (延边朝鲜族自治州, 泉州经济技术开发区) is taken
    whole, and a one-character stem followed by another level character is
    extended (沙县区, 安乡县).
    """
    shortest: tuple[str, str] | None = None
    for length in range(2, min(len(text), 12) + 1):
        candidate = text[:length]
        found = _acceptable_place(candidate)
        if found is None:
            continue
        suffix, level = found
        if shortest is None:
            shortest = (candidate, level)
        if suffix in _LONG_SUFFIXES:
            return candidate, level
        if length > 8:
            break
    if shortest is None:
        return None
    name, level = shortest
    if len(name) == 2:
        if len(text) > 2 and text[2] in _LEVEL_CHARS:
            extended = _place_suffix(text[:3])  # 沙县区 ends in 县区, a word elsewhere
            if extended is not None:
                return text[:3], extended[1]
        rest = text[2:]
        if not _AFTER_SHORT_PLACE.match(rest) and _next_place(rest) is None:
            return None
    return name, level


def place_chain(text: str) -> list[tuple[str, str]]:
    """The places named at the start of an issuer or title, outermost first.

    ``厦门市集美区人民政府集美街道办事处`` →
    ``[("厦门市", "city"), ("集美区", "county"), ("集美街道", "township")]``.

    Reading stops at the first word that is not a place; a government written
    between two places (``…区人民政府集美街道…``) is skipped because a street
    office's formal name includes its district's government.  Levels come from
    the suffix, and a 市 inside a 市 is a county-level city (泉州市晋江市).
    Villages (村, 社区) count only under a township: 乡村振兴 is not a village.
    """
    plain, written = _rule_text(text), normalise(text)
    # Names are read on the 简体 copy and returned as written (same positions
    # when the conversion kept the length, as it does for names).
    as_written = len(plain) == len(written)
    rest = _LEADING_PARTY.sub("", plain)
    chain: list[tuple[str, str]] = []
    while rest:
        found = _next_place(rest)
        if found is None and chain:
            connector = _CHAIN_CONNECTOR.match(rest)
            if connector:
                found = _next_place(rest[connector.end() :])
                if found is not None:
                    rest = rest[connector.end() :]
        if found is None:
            break
        name, level = found
        if chain:
            previous = _RANK[chain[-1][1]]
            if level == CITY and chain[-1][1] == CITY:
                level = COUNTY
            if _RANK[level] <= previous:
                break
        if level == VILLAGE and (not chain or chain[-1][1] != TOWNSHIP):
            break
        start = len(plain) - len(rest)
        chain.append((written[start : start + len(name)] if as_written else name, level))
        rest = rest[len(name) :]
    return chain


# --- kinds --------------------------------------------------------------------------------------

_TRAILING_BRACKET = re.compile(r"（[^（）]*）$")
# Bodies that qualify a place rather than name an organ: 张坂镇党委、政府 is the
# town, 集美街道办事处 is the street.  Longest first.
_PLACE_BODIES = (
    "党工委、办事处",
    "党委、政府",
    "政府、党委",
    "党委和政府",
    "党委政府",
    "人民政府",
    "党（总）支部",
    "党总支",
    "党支部",
    "党工委",
    "办事处",
    "政府",
    "党委",
    "两委",
)
_PLACE_END = re.compile(r"(?:镇|乡|街道|村|社区|区|县|市|旗|省|州|（街道）|（镇）|（乡）|（社区）|（居）)$")

# Suffix → kind, tried in this order; within a kind longest first.  Earlier
# kinds win on overlap: 村委会 (community) before 委会 (department),
# 管委会 (agency) before 委会.
_KIND_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (UnitKind.COMMUNITY, ("村民委员会", "居民委员会", "居委会", "村委会", "村委", "社区", "村")),
    (UnitKind.STREET, ("街道办事处", "街道办", "街道")),
    (UnitKind.TOWNSHIP, ("镇", "乡")),
    # A 管委会 governs a zone on behalf of a higher government; it is neither a
    # functional department nor a place kind we have, so it stays an agency.
    (UnitKind.AGENCY, ("管理委员会", "管委会")),
    # 银行 (incl. 村镇银行), 合作社 and 车务段-style branches of companies are businesses.
    (UnitKind.ENTERPRISE, ("有限公司", "有限责任公司", "分公司", "公司", "集团", "有限", "银行", "合作社", "厂")),
    (UnitKind.DEPARTMENT, ("办公室", "委员会", "委会", "局", "办", "委", "部", "厅", "署")),
    (
        UnitKind.AGENCY,
        ("中心", "协会", "学会", "大队", "支队", "中队", "所", "队", "站", "院", "馆", "处", "学校", "中学", "小学"),
    ),
)


def _strip_place_bodies(text: str) -> str:
    """``张坂镇党委、政府`` → ``张坂镇``: drop bodies that only qualify a place."""
    changed = True
    while changed:
        changed = False
        for body in _PLACE_BODIES:
            stem = text[: -len(body)]
            if text.endswith(body) and stem and _PLACE_END.search(stem):
                text, changed = stem, True
                break
    return text


def infer_kind(name: str) -> str:
    """The :class:`UnitKind` value a name's suffix implies; ``agency`` when none does.

    A trailing bracket (a division or alias) and the bodies that qualify a place
    (政府, 党委, 办事处 …) are dropped first, so ``池店镇人民政府`` is a township
    and ``集美街道办事处`` a street.  Only the end of the name is read.
    """
    text = _rule_text(name)
    text = _TRAILING_BRACKET.sub("", text) or text
    text = _strip_place_bodies(text)
    for kind, suffixes in _KIND_SUFFIXES:
        if text.endswith(suffixes) and len(text) >= 2:
            return str(kind)
    return str(UnitKind.AGENCY)


# --- collective references ----------------------------------------------------------------------

# The group kinds are GroupKind's values; their labels are the canonical group names.
GROUP_PLACES = str(GroupKind.PLACES)
GROUP_VILLAGES = str(GroupKind.VILLAGES)
GROUP_DEPARTMENTS = str(GroupKind.DEPARTMENTS)
GROUP_MEMBERS = str(GroupKind.MEMBERS)
GROUP_ENTERPRISES = str(GroupKind.ENTERPRISES)

GROUP_NAMES: dict[str, str] = {str(kind): str(label) for kind, label in GroupKind.choices if kind != GroupKind.OTHER}

# An optional leading jurisdiction (市, 区直's 区, 晋江市, 百崎回族乡) before the
# collective body; it never contains 各, so 各乡镇 is not "各乡" + 镇.
# A qualifier may stand there too (沿海各乡镇人民政府, 辖区各村).
_COLLECTIVE_LEAD = rf"(?:(?!各)[{_HAN}]){{0,10}}?"
_OR_STREET = r"(?:（街道(?:办事处)?）|（镇街）)?"
_PLACE_BODY = r"(?:人民政府|政府|党委(?:、|和)?政府|政府、党委|党委|党工委(?:、办事处)?|办事处)?"
# (group, body) — the body follows the optional jurisdiction and must end the name.
_COLLECTIVE_TABLE: tuple[tuple[str, str], ...] = (
    # 各乡镇政府, 各镇人民政府、街道办事处, 各乡（镇）人民政府、街道办事处, 各乡镇党委、政府,
    # 各镇（街道）, 各镇街, 各街道: every township-level place of the jurisdiction.
    (
        GROUP_PLACES,
        rf"各(?:乡镇|镇乡|乡（镇）|镇（乡）|镇街|乡|镇|街道){_OR_STREET}{_PLACE_BODY}"
        rf"(?:、街道(?:办事处|办|党工委)?)?{_OR_STREET}",
    ),
    # 各村委会, 各行政村, 各村（居）, 各社区居委会, 各村（社区）, 各村党（总）支部.
    (
        GROUP_VILLAGES,
        r"各(?:行政村|村居|村（居）|村（社区）|社区（村）|村|社区|居)"
        r"(?:（居）|（社区）)?"
        r"(?:民委员会|委会|居委会|居民委员会|两委|党（总）支部|党总支|党支部|（居）委会)?",
    ),
    # 乡安委会各成员单位, 消安委各成员单位, 各成员单位, 市安委会成员单位.
    (GROUP_MEMBERS, rf"(?:[{_HAN}]{{0,12}}?(?:委员会|委会|委|办|小组|指挥部))?(?:各|有关|相关)?成员单位"),
    # 各有关部门, 乡直有关部门, 区直各部门, 各相关单位, 乡各相关行业（领域）主管部门,
    # 各行业主管部门, 有关职能部门, 负有安全生产监管职责的部门.
    (
        GROUP_DEPARTMENTS,
        r"(?=[各直有相])(?:直属?)?各?(?:有关|相关)?(?:行业(?:（领域）)?|领域)?(?:主管|职能|监管)?(?:（领域）)?"
        r"(?:部门|单位)(?:（单位）)?",
    ),
    (GROUP_DEPARTMENTS, rf"负有[{_HAN}]{{2,14}}职责的(?:有关|相关|各)?(?:部门|单位)"),
    # 区重点货运源头主管部门, 有关工程主管部门: the departments in charge of a field, not one named organ.
    (GROUP_DEPARTMENTS, rf"[{_HAN}]{{0,12}}(?:主管|监管|职能)部门"),
    # 各生产经营单位, 各企业, 辖区企业, 辖区内各企业, 各类企业.
    (
        GROUP_ENTERPRISES,
        r"(?:辖区内?各?|各类?)(?:重点|相关|有关)?(?:生产经营单位|企业|企事业单位|生产经营企业)",
    ),
)
_COLLECTIVE_PATTERNS = tuple((group, re.compile(_COLLECTIVE_LEAD + body)) for group, body in _COLLECTIVE_TABLE)


def collective_kind(name: str) -> str | None:
    """The group a collective reference names (``GROUP_*``), or None for a single unit.

    Collectives are written as 各 + a kind of place or body, 有关/相关 +
    部门/单位, or a committee's 成员单位, optionally after the jurisdiction
    (``乡直有关部门``, ``晋江市各镇人民政府``).  ``池店镇人民政府`` has no 各 and is a
    single unit; ``安委会`` and ``消安委`` are committees (single units), their
    ``成员单位`` are the group.
    """
    text = _rule_text(name)
    for group, pattern in _COLLECTIVE_PATTERNS:
        if pattern.fullmatch(text):
            return group
    return None


# A committee's member units are a group of that committee: a county with both
# an 安委会 and a 消安委 has two member lists, which overlap but differ.
_FIRE_COMMITTEE = re.compile(r"消安委|消防安全委员会|消防安全委|防火安全委员会|防火委")
FIRE_MEMBERS_NAME = "消安委各成员单位"


def group_name(name: str, kind: str) -> str:
    """The canonical name of the group a collective reference of ``kind`` stands for.

    ``县消安委各成员单位`` → ``消安委各成员单位``; every other reference takes its
    kind's label (``各乡镇人民政府`` → ``各乡镇（街道）``).
    """
    if kind == GROUP_MEMBERS and _FIRE_COMMITTEE.search(_rule_text(name)):
        return FIRE_MEMBERS_NAME
    return str(GroupKind(kind).label)


# --- match keys ---------------------------------------------------------------------------------

# Standard abbreviations of government organ names, long → short, longest
# first.  Both spellings of a name are rewritten to the short form, so the
# table only holds abbreviations that name one organ everywhere in China.
# Left out on purpose: 生态环境 (the 生态环境局 absorbed several organs' duties;
# "环境" alone also occurs in merged bodies such as 环境与国土资源局), 公安
# (分局 and 局 are different units), and 局/分局 themselves.
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("安全生产委员会办公室", "安委办"),
    ("消防安全委员会", "消安委"),
    ("安全生产委员会", "安委会"),
    ("安全生产监督管理", "安监"),
    ("社会治安综合治理", "综治"),
    ("人力资源和社会保障", "人社"),
    ("住房和城乡建设", "住建"),
    ("住房城乡建设", "住建"),
    ("市场监督管理", "市场监管"),
    ("自然资源和规划", "自然资源"),
    ("自然资源与规划", "自然资源"),
    ("工业和信息化", "工信"),
    ("发展和改革", "发改"),
    ("发展改革", "发改"),
    ("卫生健康", "卫健"),
    ("文化和旅游", "文旅"),
    ("文化旅游", "文旅"),
    ("公安交通警察", "交警"),
    ("交通警察", "交警"),
    ("交通运输", "交通"),
    ("农业农村", "农业"),
    ("城市管理", "城管"),
    ("消防救援", "消防"),
    ("应急管理", "应急"),
    ("环境保护", "环保"),
    ("人民政府", "政府"),
)
# Bodies that say nothing without their place: the key keeps the place.
_BARE_BODY_KEYS = {
    "",
    "政府",
    "党委",
    "党工委",
    "办事处",
    "办",
    "党委、政府",
    "政府、党委",
    "党委政府",
    "党工委、办事处",
}


def _abbreviate(text: str) -> str:
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    if text.endswith("办公室") and len(text) > 3:
        text = text[: -len("办公室")] + "办"
    return text


def match_key(name: str) -> str:
    """The key two spellings of one unit share inside one jurisdiction chain.

    ``区城市管理分局``, ``城市管理分局`` and ``城管分局`` share ``城管分局``: the
    width is normalised, a leading place and a level word (which only repeat
    the jurisdiction) are dropped, and standard abbreviations are applied.  A
    place's own government keeps its place (``池店镇人民政府`` → ``池店镇``), and a
    bare level body keeps its level (``区政府``), so different governments never
    share a key.  ``公安局`` and ``公安分局`` stay different units.
    """
    text = _rule_text(name)
    chain = place_chain(text)
    if chain:
        consumed = _LEADING_PARTY.sub("", text)
        for place, _level in chain:
            start = consumed.find(place)
            consumed = consumed[start + len(place) :]
        if _abbreviate(consumed) in _BARE_BODY_KEYS:
            return chain[-1][0]
        if len(consumed) >= 2:
            text = consumed
    level, rest = level_prefix(text)
    if level and _abbreviate(rest) not in _BARE_BODY_KEYS:
        text = rest
    return _abbreviate(text)


# --- validity -----------------------------------------------------------------------------------


class NameProblem(Enum):
    """Why a text is not one unit's name; ``message`` is what editors read."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNBALANCED = "unbalanced"
    SEPARATOR = "separator"
    BARE_BODY = "bare_body"
    RUN_ON = "run_on"
    PROSE = "prose"

    @property
    def message(self) -> str:
        return _PROBLEM_MESSAGES[self]


_PROBLEM_MESSAGES = {
    NameProblem.EMPTY: "单位名称为空",
    NameProblem.TOO_LONG: "单位名称过长（超过30字），可能是一段正文",
    NameProblem.UNBALANCED: "单位名称中的括号不成对",
    NameProblem.SEPARATOR: "单位名称中含有顿号、逗号或分号，可能是多个单位",
    NameProblem.BARE_BODY: "只有“政府”“党委”等机关名称，没有地名",
    NameProblem.RUN_ON: "多个单位名称连写在一起，中间没有分隔",
    NameProblem.PROSE: "像是正文中的句子，不是单位名称",
}

MAX_NAME_LENGTH = 30
_SEPARATORS = "、，；"
# Pairs of bodies of one place written with 、 — one reference, not a list.
_BODY_PAIRS = re.compile(r"党委、政府|政府、党委|党工委、办事处|人民政府、街道|政府、街道")
_BARE_BODIES = {
    "政府",
    "党委",
    "人民政府",
    "党委政府",
    "党委、政府",
    "政府、党委",
    "党工委",
    "办事处",
    "街道办事处",
    "村委会",
    "居委会",
    "管委会",
}
# Words of running text around a list, never part of an organ's name.
_PROSE = re.compile(
    r"以下|不再|列出|简称|涉及|督导|各自|对接|均需|具体|到位|负责|按照|职责分工|以及|并且|加强|开展|落实|[。：:！!？?“”\"]"
)
_ORGAN_END = re.compile(
    r"(?:局|办|办公室|委|委员会|委会|部|厅|署|中心|所|站|队|院|馆|公司|集团|政府|党委|党工委|管委会|办事处|街道|镇|乡)$"
)


def _outside_brackets(text: str) -> tuple[str, bool]:
    """The text with bracketed parts removed, and whether its brackets balance."""
    depth = 0
    out: list[str] = []
    for ch in text:
        if ch == "（":
            depth += 1
        elif ch == "）":
            if depth == 0:
                return "".join(out), False
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out), depth == 0


def split_run_on(name: str) -> list[str]:
    """``区应急管理局区公安分局区消防大队`` → its three units; ``[name]`` when not a run-on.

    A boundary is an organ suffix followed by a fresh level word or by the
    same place the name began with: lists written without separators repeat
    the jurisdiction (区…局区…局).  ``晋江市公安局东石派出所`` and ``市委宣传部``
    are single (sub-)units and are not split.  Every piece must itself end in
    an organ suffix and be at least three characters, or the name is returned whole.
    """
    text = normalise(name)
    if collective_kind(text):
        return [text]  # 沿海各乡镇人民政府: one collective, not 沿海各乡 + 镇人民政府
    chain = place_chain(text)
    lead_place = chain[0][0] if chain else ""
    cuts = [0]
    for i in range(2, len(text) - 1):
        head, tail = text[cuts[-1] : i], text[i:]
        if not _ORGAN_END.search(head) or len(head) < 3:
            continue
        if level_prefix(tail)[0] or (lead_place and tail.startswith(lead_place)):
            cuts.append(i)
    if len(cuts) == 1:
        return [text]
    pieces = [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    if all(len(p) >= 3 and _ORGAN_END.search(p) for p in pieces):
        return pieces
    return [text]


def name_problem(name: str) -> NameProblem | None:
    """Why ``name`` cannot be stored as one unit's name, or None when it can.

    The importer proposes names from running text; anything here is a list,
    a sentence or a fragment, which must stay in the text as written instead
    of becoming a unit the editor then has to delete.
    """
    text = _rule_text(name)
    if not text:
        return NameProblem.EMPTY
    if len(text) > MAX_NAME_LENGTH:
        return NameProblem.TOO_LONG
    outside, balanced = _outside_brackets(text)
    if not balanced:
        return NameProblem.UNBALANCED
    if _PROSE.search(text):
        return NameProblem.PROSE
    if any(sep in _BODY_PAIRS.sub("", outside) for sep in _SEPARATORS):
        return NameProblem.SEPARATOR
    if text in _BARE_BODIES:
        return NameProblem.BARE_BODY
    if len(split_run_on(text)) > 1:
        return NameProblem.RUN_ON
    return None


def is_valid_unit_name(name: str) -> bool:
    """Whether ``name`` can be stored as one unit's name (see :func:`name_problem`)."""
    return name_problem(name) is None
