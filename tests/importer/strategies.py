"""Hypothesis strategies for files editors upload: near-valid notices, then damaged and encoded.

Shared by the parser fuzz tests (tests/importer/test_parsing_fuzz.py) and
the import-service fuzz test (tests/cms/importer/test_service_fuzz.py), so
both drive the same deep paths: a random string is almost always rejected
as "no title" before the recogniser does anything interesting.
"""

from __future__ import annotations

from hypothesis import strategies as st

# --- pieces of real documents --------------------------------------------------------

CN = "一二三四五六七八九十"
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

ORGANS = st.sampled_from(["百崎回族乡人民政府", "集美区安委会办公室", "泉州市消安委", "某县人民政府", "测试"])
UNITS = st.sampled_from(
    [
        "乡安办",
        "乡综治办",
        "区环境与国土资源局（海洋）",
        "公安分局",
        "消防救援大队",
        "各村（社区）",
        "乡安委会各成员单位",
    ]
)
DEADLINES = st.sampled_from(
    ["2021年底前", "每年", "持续推进", "2020-2022年", "２０２１年６月底前", "2020年6月15日前", "长期坚持", "", "适时"]
)
WORDS = st.sampled_from(
    [
        "加强安全生产工作",
        "全面排查整治隐患",
        "落实企业主体责任",
        "打通消防车通道",
        "开展宣传教育",
        "建设微型消防站",
        "完成率达到100%",
        "不少于10起",
        "强化督查检查",
    ]
)
NOISE_CHARS = st.sampled_from(
    [
        *"\t\x00\x01\x07\x0b\x0c\x1b\x7f\u200b\ufeff\u00ad\u3000　（）()〔〕[]【】：:，。、；",
        "\r",
        "\r\n",
        "\ufffd",
        "𠀀",
    ]
)


def number_token(level: int, n: int, full_width: bool) -> str:
    """The 层次序数 of ``n`` at ``level`` (一、 / （一） / 1. / （1）), half- or full-width."""
    cn = CN[n - 1] if n <= 10 else f"十{CN[n - 11]}"
    token = {1: f"{cn}、", 2: f"（{cn}）", 3: f"{n}.", 4: f"（{n}）"}[level]
    if full_width:
        token = token.translate(FULL_DIGITS).replace(".", "．").replace("（", "(").replace("）", ")")
    return token


@st.composite
def header(draw: st.DrawFn) -> list[str]:
    organ = draw(ORGANS)
    lines = []
    if draw(st.booleans()):
        # GB/T 9704: the 发文机关标志 (…文件) always sits above a 发文字号.
        if draw(st.booleans()):
            lines.append(f"{organ}文件")
        brackets = draw(st.sampled_from(["〔〕", "[]", "［］", "【】", "()"]))
        year = draw(st.integers(1990, 2040))
        lines.append(f"测安{brackets[0]}{year}{brackets[1]}{draw(st.integers(0, 99999))}号")
        if draw(st.booleans()):
            lines.append("签发人：" + draw(st.sampled_from(["张三", "李 四", "王五" * draw(st.integers(1, 40))])))
    year = draw(st.integers(2000, 2030))
    lines.append(f"{organ}关于下达{year}年度安全生产和消防工作目标责任的通知")
    if draw(st.booleans()):
        lines.append("各村（社区）、乡直各单位：")
    return lines


@st.composite
def cell_table(draw: st.DrawFn) -> list[str]:
    """A task table as Word saves it: one cell per tab-led line, blank lines between rows."""
    header_cells = draw(
        st.sampled_from(
            [
                ["专题/项目", "工作任务", "工作内容", "完成时限", "责任单位"],
                ["序号", "工作任务", "完成时限", "牵头单位", "配合单位"],
                ["项目", "工作措施", "责任单位"],
            ]
        )
    )
    lines = [f"\t{cell}" for cell in header_cells]
    written = False  # a task or a fact in some row, not only its 序号
    rows = draw(st.integers(1, 6))
    for row in range(rows):
        lines.append("")
        width = len(header_cells) - draw(st.sampled_from([0, 0, 0, 1, 2]))  # ragged rows
        for column in range(max(1, width)):
            name = header_cells[column]
            if "序" in name:
                text = str(row + 1)
            elif "时限" in name:
                text = draw(DEADLINES)
            elif "单位" in name:
                text = "、".join(draw(st.lists(UNITS, min_size=0, max_size=3)))
            else:
                text = draw(st.one_of(WORDS, st.just("")))  # empty: merged with the cell above
            lines.append(f"\t{text}")
            written = written or bool(text and "序" not in name)
            if text and draw(st.integers(0, 9)) == 0:
                lines.append(draw(st.sampled_from(["（住建）", "项目", "、公安分局"])))  # wrapped cell text
    if not written:
        # Rows that are all blank list no task: the parser keeps such a table as a
        # plain table (a 任务清单 needs a row), so a task table always writes one task.
        task = next(c for c, name in enumerate(header_cells) if "工作" in name)
        lines.append("")
        lines += [f"\t{rows + 1 if '序' in name else ''}" for name in header_cells[:task]]
        lines.append(f"\t{draw(WORDS)}")
    return lines


@st.composite
def row_table(draw: st.DrawFn) -> list[str]:
    """An indicator table with one row per line and tab-separated cells (grouped header)."""
    lines = ["单位\t市政消火栓建设任务\t\t专职防火队", "\t新建数\t补建数\t额定人数"]
    for _ in range(draw(st.integers(1, 5))):
        cells = [draw(st.sampled_from(["甲镇", "乙街道", "丙乡"]))]
        cells += [draw(st.sampled_from(["5", "0", "10", "", "1.5", "x", "-3"])) for _ in range(draw(st.integers(1, 4)))]
        lines.append("\t".join(cells))
    return lines


@st.composite
def section(draw: st.DrawFn, level: int, n: int) -> list[str]:
    full_width = draw(st.booleans())
    lines = [number_token(level, n, full_width) + draw(WORDS) + draw(st.sampled_from(["", "。", "；"]))]
    if level < 4 and draw(st.booleans()):
        for k in range(1, draw(st.integers(1, 3)) + 1):
            lines += draw(section(level + 1, k))
    choice = draw(st.integers(0, 7))
    if choice == 0:
        lines.append("责任单位：" + "、".join(draw(st.lists(UNITS, min_size=1, max_size=3))))
        if draw(st.booleans()):
            lines.append("完成时限：" + draw(DEADLINES))
    elif choice == 1:
        lines.append(draw(WORDS) + "。" + draw(WORDS) + "，" + draw(WORDS) + "。")
    elif choice == 2:
        lines += ["组  长：张三  乡长", "副组长：李四  副乡长", "成  员：王五  乡安办主任", "赵六  乡综治办主任"]
    elif choice == 3:
        lines.append(f"动员部署（{draw(DEADLINES) or '2020年6月前'}）。{draw(WORDS)}。")
    elif choice == 4:
        lines.append("备注：" + draw(WORDS))
    elif choice == 5:
        lines.append(draw(WORDS) + "方面：")
    return lines


@st.composite
def attachment(draw: st.DrawFn, number: int | None) -> list[str]:
    label = draw(
        st.sampled_from(
            ["附件", f"附件{number}", f"附件{number}：", f"附 件 {str(number).translate(FULL_DIGITS)}", f"附件{CN[0]}"]
        )
    )
    lines = [label, draw(st.sampled_from(["重点项目清单", "目标责任", "实施方案", "领导小组名单", "统计表", ""]))]
    kind = draw(st.integers(0, 3))
    if kind == 0:
        lines += draw(cell_table())
    elif kind == 1:
        lines += draw(row_table())
    elif kind == 2:
        for unit in draw(st.lists(st.sampled_from(["岩前镇人民政府", "区应急局", "甲村"]), min_size=1, max_size=3)):
            lines += [f"2023年{unit}消防工作目标责任", "一、共性目标", "1." + draw(WORDS) + "。"]
    else:
        for k in range(1, draw(st.integers(1, 3)) + 1):
            lines += draw(section(1, k))
    return lines


@st.composite
def near_valid_document(draw: st.DrawFn) -> list[str]:
    """Lines of a notice shaped like the seeds: 版头, body, 附件说明, closing, attachments, 版记."""
    lines = draw(header())
    for n in range(1, draw(st.integers(1, 4)) + 1):
        lines += draw(section(1, n))
    if draw(st.booleans()):
        lines += draw(cell_table())
    count = draw(st.integers(0, 3))
    if count:
        lines.append("附件：1. 重点项目清单")
        lines += [f"{k}. 第{k}个附件" for k in range(2, count + 1)]
    if draw(st.booleans()):
        lines += [
            "百崎回族乡人民政府",
            draw(st.sampled_from(["2022年11月23日", "二〇二二年十一月二十三日", "2022年2月30日"])),
        ]
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["（此件主动公开）", "（此件依申请公开）", "此件公开发布", "(不予公开)"])))
    for k in range(1, count + 1):
        lines += draw(attachment(draw(st.sampled_from([k, k, k + 1, None]))))
    if draw(st.booleans()):
        lines += ["抄送：区安办。", "百崎回族乡党政办 2022年11月24日印发"]
    return lines


@st.composite
def damaged(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """The same lines after an editor's (or a converter's) accidents."""
    lines = list(lines)
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.integers(0, 7))
        if action == 0:
            del lines[at]
        elif action == 1:
            lines.insert(at, lines[at])
        elif action == 2:
            lines.insert(at, draw(st.text(max_size=40)))
        elif action == 3:
            spot = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:spot] + draw(NOISE_CHARS) + lines[at][spot:]
        elif action == 4:
            lines[at] = lines[at] * draw(st.integers(20, 400))  # a very long line
        elif action == 5:
            lines.insert(at, draw(st.sampled_from(["附件", "附件3", "附 件：", "附件十", "附件99", "附件１："])))
        elif action == 6:
            lines[at] = "\t".join(lines[at])  # every character its own cell
        else:
            lines.insert(at, "\t" * draw(st.integers(1, 5)))
    return lines


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """``text`` in an encoding editors' tools produce, sometimes truncated or with a bad byte."""
    data = text.encode(draw(ENCODINGS))
    damage = draw(st.integers(0, 5))
    if damage == 0 and data:
        data = data[: draw(st.integers(0, len(data)))]  # an interrupted upload
    elif damage == 1:
        spot = draw(st.integers(0, len(data)))
        data = (
            data[:spot] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80\x80", b"\xfe\xfe"])) + data[spot:]
        )
    return data


CHROME_LINES = [
    "您的位置：首页 > 政务公开 > 政府信息公开",
    "首页 > 信息公开 > 通知公告",
    "【字体：大 中 小】",
    "发布时间：2024-03-05 10:00  来源：市应急局  阅读人次：88",
    "打印本页 关闭窗口",
    "扫一扫在手机打开当前页",
    "Document",
    "请输入关键字",
    "| | |",
]
NAV_LINES = ["• 首页", "• 政务公开", "• 政务服务", "• 互动交流"]
METADATA_PAIRS = [
    ("索引号", "11350521MB0K7355X6/2024-00012"),
    ("主题分类", "安全生产监管"),
    ("发布机构", "测试市应急管理局"),
    ("成文日期", "2024-03-05"),
    ("发文字号", "测应急〔2024〕12号"),
    ("有效性", "有效"),
]


@st.composite
def metadata_block(draw: st.DrawFn) -> list[str]:
    """The 信息公开 block in one of the layouts portals use."""
    pairs = [(k, v) for k, v in METADATA_PAIRS if draw(st.booleans())] or METADATA_PAIRS[:1]
    if draw(st.booleans()):
        pairs = [(k, draw(st.sampled_from([v, "2024227", "", "无"]))) for k, v in pairs]
    colon = draw(st.sampled_from(["：", ":"]))
    layout = draw(st.integers(0, 3))
    if layout == 0:
        return [f"{k}{colon}{v}" for k, v in pairs]
    if layout == 1:
        return ["    ".join(f"{k}{colon}{v}" for k, v in pairs[i : i + 2]) for i in range(0, len(pairs), 2)]
    if layout == 2:
        return [f"• {k}{colon}{v}" for k, v in pairs]
    return [" ".join(f"{k}{colon}{v}" for k, v in pairs)]


@st.composite
def portal_copy(draw: st.DrawFn) -> list[str]:
    """A near-valid notice as copied from a portal page: chrome, metadata block, title repeated or missing."""
    lines = draw(near_valid_document())
    title_at = next(i for i, line in enumerate(lines) if "关于下达" in line)
    if draw(st.booleans()):
        lines.insert(title_at, lines[title_at])  # page title + document title
    elif draw(st.booleans()):
        del lines[title_at]  # the title was lost
    top = draw(st.lists(st.sampled_from(CHROME_LINES + NAV_LINES), max_size=6)) + draw(metadata_block())
    bottom = draw(st.lists(st.sampled_from(CHROME_LINES), max_size=3))
    return top + lines + bottom
