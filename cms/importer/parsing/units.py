"""Split a 责任单位 text into units with their roles.

The text is kept as written in ``units_text``; this module only proposes the
structured list the editor confirms against the unit registry.
"""

from __future__ import annotations

import re

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
_ETC_SUFFIX = re.compile(r"等(?:有关|相关)?(?:单位部门|部门单位|单位|部门|成员单位)?(?:按照?各自.*)?$")
# Words that only occur in prose around a list, never in a unit's name: such a
# fragment stays in the text as written and is not proposed as a unit.
_PROSE = re.compile(r"以下|不再|列出|简称|涉及|督导|各自|对接|均需|具体|到位")
_MAX_NAME = 30
_BARE_BODIES = {"政府", "党委", "人民政府", "党委政府", "村委会", "居委会"}
_TRAILING_BRACKET = re.compile(r"^(?P<name>.+?)[（(](?P<inner>[^（）()]+)[）)]$")
# Bracket contents that complete a name rather than name a sub-division:
# 各镇（街道）, 村（社区）, 乡党（总）支部.
_NAME_ALTERNATIVES = {"街道", "社区", "镇", "乡", "乡镇", "居", "总", "村", "场", "居委会", "村委会", "园区"}
_ORGAN_SUFFIX = re.compile(r"(?:局|部|委|委员会|厅|署|院|办公室|公司|中心|大队|支队|集团)$")


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside （…）, tolerating unbalanced brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    if depth and any(sep in text for sep in "，,；;"):
        # Unbalanced brackets (a typo in the source): clause separators still
        # split, so one missing "）" does not swallow the rest of the list.
        return [p.strip() for p in re.split(f"[{re.escape(separators)}]", text)]
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
    match = _TRAILING_BRACKET.match(name)
    if not match:
        return name, ""
    inner = match.group("inner").strip()
    if inner in _NAME_ALTERNATIVES:
        return name, ""
    if "、" not in inner and len(inner) >= 3 and _ORGAN_SUFFIX.search(inner):
        return name, ""
    return match.group("name").strip(), inner


def split_units(text: str) -> list[dict]:
    """Split a 责任单位 text into ``[{"name", "role", "division"}]``.

    Separators are 、，,；; and line breaks, never inside brackets.

    Roles, in order of precedence:

    1. a unit marked on its own (``甲（牵头）``, ``乙（配合）``) takes that role;
    2. a clause (the units between two of ，,；;) ending in 牵头 / 配合 gives
       that role to all of its units (``甲、乙牵头，丙配合``);
    3. when some unit is explicitly lead, every unmarked unit is support;
    4. otherwise the first unmarked unit is lead and the other unmarked
       units support: documents list the lead unit first.

    Duty phrases (``按职责分工负责``, ``等``) are dropped from names; they
    stay in the ``units_text`` the caller keeps.  A trailing bracket becomes
    the ``division`` (``区规划建设与交通运输局（住建、交通）`` → division
    ``住建、交通``) unless it is part of the name.
    """
    units: list[dict] = []
    explicit: list[str | None] = []
    for clause in _split_outside_brackets(text or "", _CLAUSE_SEPARATORS):
        marker = _CLAUSE_MARK.search(clause)
        clause_role = None
        if marker:
            clause_role = "lead" if marker.group("mark") == "牵头" else "support"
            clause = clause[: marker.start()]
        for piece in _split_outside_brackets(clause, _UNIT_SEPARATORS):
            role = clause_role
            own = _UNIT_MARK.search(piece)
            if own:
                role = "lead" if own.group("mark") == "牵头" else "support"
                piece = piece[: own.start()]
            name = _strip_duties(piece.strip())
            if not name or len(name) > _MAX_NAME or _PROSE.search(name):
                continue
            if name in _BARE_BODIES and units:
                # "各乡镇党委、政府": the second body belongs to the same places.
                units[-1]["name"] += f"、{name}"
                continue
            name, division = _split_division(name)
            units.append({"name": name, "role": "lead", "division": division})
            explicit.append(role)
    if not units:
        return []
    lead_found = any(role == "lead" for role in explicit)
    for unit, role in zip(units, explicit, strict=True):
        if role is None:
            role = "support" if lead_found else "lead"
            lead_found = True
        unit["role"] = role
    return units
