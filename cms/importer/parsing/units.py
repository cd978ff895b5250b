"""Split a 责任单位 text into units with their roles.

The text is kept as written in ``units_text``; this module only proposes the
structured list the editor confirms against the unit registry.
"""

from __future__ import annotations

import re

from cms.units.naming import collective_kind, is_valid_unit_name, normalise, split_run_on

__all__ = ["split_units"]

_OPEN = "（("
_CLOSE = "）)"
# Clause separators: a role marker written at the end of a clause applies to
# every unit of that clause ("甲、乙牵头，丙配合").
_CLAUSE_SEPARATORS = "，,；;。\n"
_UNIT_SEPARATORS = "、"

# "甲（牵头）": a marker on one unit.
_UNIT_MARK = re.compile(r"[（(]\s*(?P<mark>牵头|配合|协助|参与)\s*[）)]$")
# "甲、乙牵头负责": a marker closing a clause, for all of its units.
_CLAUSE_MARK = re.compile(r"(?<![（(])(?:负责)?(?P<mark>牵头|配合|协助|参与)(?:负责|实施)?$")
# Duty phrases that are not part of a unit's name ("按职责分工负责" …).
_DUTY_SUFFIX = re.compile(
    r"(?:等)?(?:按照?|依)?职责(?:分工)?(?:分别|对口)?(?:牵头)?(?:负责|落实)?$"
    r"|(?:具体)?(?:指导督导|负责)$"
)
# "等", "等有关单位", "等有关工程主管部门": the list goes on without naming anyone.
_ETC_SUFFIX = re.compile(
    r"等(?:(?:有关|相关)?[\u4e00-\u9fff]{0,8}?(?:单位部门|部门单位|单位|部门|成员单位))?(?:按照?各自.*)?$"
)
# "区渣土办及成员单位", "环境与国土资源局（环保）及相关部门": 及 joins two responsible parties.
_AND = "及"
# Words that only occur in prose around a list, never in a unit's name: such a
# fragment stays in the text as written and is not proposed as a unit.
_PROSE = re.compile(r"以下|不再|列出|简称|涉及|督导|各自|对接|均需|具体|到位")
_BARE_BODIES = {"政府", "党委", "人民政府", "党委政府", "村委会", "居委会", "办事处", "党工委", "街道办事处"}
# "X党委、政府", "X政府、党委", "X党委政府", "X党工委、办事处": the bodies of one
# place, which is the unit (张坂镇党委、政府 → 张坂镇).
_PLACE_BODY_PAIR = re.compile(r"^(?P<place>.+?(?:镇|乡|街道|区|县|市|旗))(?:党委、?政府|政府、党委|党工委、?办事处)$")
# A synthetic close bracket for an unclosed "（": it ends at the clause's end.
_REPAIRED_CLOSE = "\ue000"
_TRAILING_BRACKET = re.compile(r"^(?P<name>.+?)[（(](?P<inner>[^（）()]+)[）)]$")
# Bracket contents that complete a name rather than name a sub-division:
# 各镇（街道）, 村（社区）, 乡党（总）支部.
_NAME_ALTERNATIVES = {"街道", "社区", "镇", "乡", "乡镇", "居", "总", "村", "场", "居委会", "村委会", "园区"}
_ORGAN_SUFFIX = re.compile(r"(?:局|部|委|委员会|厅|署|院|办公室|公司|中心|大队|支队|集团)$")


def _repair_brackets(text: str) -> str:
    """Close an unclosed "（" at the end of its clause and drop a lone "）".

    A missing bracket is a typo in the source; it must neither swallow the rest
    of the list nor reach a stored name.  The synthetic close is marked so the
    bracket's content always becomes the division
    (``区科技经济发展局（发改、安监`` → division ``发改、安监``).
    """
    out: list[str] = []
    depth = 0
    for ch in normalise(text):
        if ch == "（":
            depth += 1
        elif ch == "）":
            if not depth:
                continue
            depth -= 1
        elif ch in "，；。\n" and depth:
            out.append(_REPAIRED_CLOSE * depth)
            depth = 0
        out.append(ch)
    out.append(_REPAIRED_CLOSE * depth)
    return "".join(out)


def _unclosed_bracket(name: str) -> int:
    """Index of the "（" that only the synthetic close ends, or -1."""
    stack: list[int] = []
    for i, ch in enumerate(name):
        if ch == "（":
            stack.append(i)
        elif ch == "）" and stack:
            stack.pop()
        elif ch == _REPAIRED_CLOSE and stack:
            return stack[0]
    return -1


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside （…） (brackets are repaired first)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif (ch in _CLOSE or ch == _REPAIRED_CLOSE) and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _strip_duties(name: str) -> str:
    """Drop duty phrases ("按职责分工负责", "等") that are not part of a name."""
    previous = None
    while previous != name:
        previous = name
        name = _DUTY_SUFFIX.sub("", name).strip()
        name = _ETC_SUFFIX.sub("", name).strip()
    return name


def _split_division(name: str) -> tuple[str, str]:
    """区环境与国土资源局（海洋） → (区环境与国土资源局, 海洋).

    A trailing bracket is a division unless it completes the name
    (各镇（街道）) or is itself an organ's alias (市委宣传部（新闻出版广电局）).
    """
    repaired = _unclosed_bracket(name)
    if name.endswith(_REPAIRED_CLOSE) and repaired > 0:
        # an unclosed bracket: its content is never part of the name
        inner = name[repaired + 1 :].replace(_REPAIRED_CLOSE, "").replace("（", "").replace("）", "")
        return name[:repaired].strip(), inner.strip()
    match = _TRAILING_BRACKET.match(name)
    if not match:
        return name, ""
    inner = match.group("inner").strip()
    if inner in _NAME_ALTERNATIVES:
        return name, ""
    if "、" not in inner and len(inner) >= 3 and _ORGAN_SUFFIX.search(inner):
        return name, ""
    return match.group("name").strip(), inner


def _join_bodies(previous: str, name: str) -> str | None:
    """The one reference ``previous、name`` makes, or None when they are two units.

    ``张坂镇党委、政府`` is the town; ``各乡镇党委、政府`` and
    ``各镇人民政府、街道办事处`` are one collective, kept as written (the group
    is resolved by :func:`cms.units.naming.collective_kind`).
    """
    joined = f"{previous}、{name}"
    if collective_kind(joined):
        return joined
    if name in _BARE_BODIES:
        return joined
    return None


def _canonical(name: str) -> str:
    """A place's paired bodies name the place: ``张坂镇党委、政府`` → ``张坂镇``."""
    if collective_kind(name):
        return name
    pair = _PLACE_BODY_PAIR.match(name)
    return pair.group("place") if pair else name


def _names(piece: str) -> list[tuple[str, str]]:
    """``(name, division)`` for one written piece: run-ons split, invalid names dropped."""
    parts = _split_outside_brackets(piece, _AND)
    if len(parts) > 1 and all(parts):
        return [found for part in parts for found in _names(part)]
    name, division = _split_division(piece)
    name = _canonical(name.replace(_REPAIRED_CLOSE, ""))
    division = division.replace(_REPAIRED_CLOSE, "")
    if is_valid_unit_name(name):
        return [(name, division)]
    pieces = split_run_on(name)
    if len(pieces) > 1 and all(is_valid_unit_name(p) for p in pieces):
        # "区应急管理局区公安分局区消防救援大队": a list written without separators
        return [(p, "") for p in pieces]
    return []


def split_units(text: str) -> list[dict]:
    """Split a 责任单位 text into ``[{"name", "role", "division"}]``.

    Separators are 、，,；; and line breaks, never inside brackets.

    Roles, in order of precedence:

    1. a unit marked on its own (``甲（牵头）``, ``乙（配合）``) takes that role;
    2. a clause (the units between two of ，,；;) ending in 牵头 / 配合 gives
       that role to all of its units (``甲、乙牵头，丙配合``);
    3. when some unit is explicitly lead, every unmarked unit is support;
    4. when the text names exactly one unit, it is the lead;
    5. otherwise unmarked units get ``""`` (unstated).  The role is never
       guessed from word order: documents list units by rank or habit as
       often as by responsibility, and a guessed 牵头 puts the duty on the
       wrong unit in every ledger built from it.

    Duty phrases (``按职责分工负责``, ``等``) are dropped from names; they
    stay in the ``units_text`` the caller keeps.  A trailing bracket becomes
    the ``division`` (``区规划建设与交通运输局（住建、交通）`` → division
    ``住建、交通``) unless it is part of the name; an unclosed bracket always
    does.  Paired bodies of one place name the place (``张坂镇党委、政府`` →
    ``张坂镇``), a list written without separators is split when every piece is
    a unit, and every name returned passes
    :func:`cms.units.naming.is_valid_unit_name`; anything else stays only in
    the text as written.
    """
    written: list[tuple[str, str | None]] = []
    for clause in _split_outside_brackets(_repair_brackets(text or ""), _CLAUSE_SEPARATORS):
        marker = _CLAUSE_MARK.search(clause)
        clause_role = None
        if marker:
            clause_role = "lead" if marker.group("mark") == "牵头" else "support"
            clause = clause[: marker.start()]
        clause_start = len(written)
        for piece in _split_outside_brackets(clause, _UNIT_SEPARATORS):
            role = clause_role
            own = _UNIT_MARK.search(piece)
            if own:
                role = "lead" if own.group("mark") == "牵头" else "support"
                piece = piece[: own.start()]
            name = _strip_duties(piece.strip())
            # the length is checked on the name once its division is split off
            if not name or _PROSE.search(name):
                continue
            if len(written) > clause_start:
                joined = _join_bodies(written[-1][0], name)
                if joined is not None:
                    written[-1] = (joined, written[-1][1] or role)
                    continue
            written.append((name, role))
    units: list[dict] = []
    explicit: list[str | None] = []
    for piece, role in written:
        for name, division in _names(piece):
            units.append({"name": name, "role": "", "division": division})
            explicit.append(role)
    lead_found = any(role == "lead" for role in explicit)
    for unit, role in zip(units, explicit, strict=True):
        if role is None:
            role = "support" if lead_found else ("lead" if len(units) == 1 else "")
        unit["role"] = role
    return units
