"""Ledger export speed at 50,000 tasks, against plain pandas in the same run.

Why: a province-wide publish can hold tens of thousands of tasks, and a
ledger that takes minutes would stall every publish.  The targets are
ours/baseline < 1.5 for CSV and XLSX (the extra work is formula-injection
protection, formats, filter and widths) and about 1.2 for JSON (issue 17:
one record per line, as ``json.dumps`` writes it).

Each figure is the best of ``repeats`` runs (default 3), baseline and ours
alternating: the machine this runs on is shared, and the minimum of
interleaved runs is the least noisy estimate of the cost.

Run:  .venv/bin/python benchmarks/bench_ledger.py [rows] [repeats]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cms.ledger.tables import build_ledger, write_csv, write_json, write_xlsx

TOPICS = [
    "学习宣贯专题",
    "（一）全面落实企业安全生产责任体系",
    "危险化学品安全整治",
    "消防安全专项整治",
    "道路运输安全专项整治",
    "非煤矿山专项整治",
]
TASK_HEADS = [
    "组织集中观看学习专题片",
    "开展安全生产目标责任制考核",
    "推进企业安全生产标准化建设",
    "打通消防车通道",
    "整治群租房消防安全隐患",
    "建设消防物联网监控系统",
]
DETAIL_PARTS = [
    "各村、各有关部门要督促辖区内危险化学品企业按照《危险化学品企业安全风险隐患排查治理导则》全面完成安全风险隐患自查工作",
    "对排查发现的风险隐患，要建立问题清单、责任清单、销号清单，定准对策措施，倒排时间表，逐一落实整改",
    "30%的老旧小区完成消防车通道治理工作",
    "=SUM(A1:A9)",
    "具有化工安全生产相关专业学历和实践经验的执法人员数量达到在职人员的75%以上",
]
DEADLINES = [
    "2021年底前",
    "2020年6月前",
    "2020年12月底前",
    "2020年",
    "2020-2022年",
    "2020年—2022年",
    "2020至2022年",
    "2020年上半年",
    "2021年第一季度",
    "2020年6月15日前",
    "2020.6",
    "每年",
    "每季度",
    "持续推进",
    "长期坚持",
    "2020年底前形成，并持续强化",
    "2020年底前完成50%，2021年底前全部完成",
    "按照上级规定时限",
]
UNITS = [
    "乡安办",
    "乡企业服务中心",
    "区规划建设与交通运输局（住建、交通）",
    "公安分局",
    "消防救援大队",
    "乡宣传办",
    "各村",
    "区环境与国土资源局（海洋）",
    "城市管理分局",
]
STATUSES = ["未开始", "推进中", "已完成", "已销号", ""]


def synthetic_tasks(count: int, seed: int = 20200601) -> list[dict[str, Any]]:
    """Deterministic tasks shaped like the seed 重点项目清单 rows."""
    rng = random.Random(seed)
    tasks = []
    for number in range(count):
        units = rng.sample(UNITS, rng.randint(1, 4))
        split = rng.randint(1, len(units))
        tasks.append(
            {
                "year": rng.choice([2020, 2021, 2022, 2023, 2024]),
                "doc_number": f"晋政文〔{rng.randint(2020, 2024)}〕{rng.randint(1, 300)}号",
                "doc_title": "关于印发安全生产专项整治三年行动实施方案的通知",
                "attachment": f"附件{rng.randint(1, 12)}",
                "topic": rng.choice(TOPICS),
                "task": f"{number % 90 + 1}.{rng.choice(TASK_HEADS)}",
                "detail": "；".join(rng.sample(DETAIL_PARTS, rng.randint(1, 3))),
                "deadline_text": rng.choice(DEADLINES),
                "lead_units": units[:split],
                "support_units": units[split:],
                "units_text": "、".join(units[:split]) + ("；" + "、".join(units[split:]) if units[split:] else ""),
                "progress_status": rng.choice(STATUSES),
                "progress_note": rng.choice(["", "已完成自查", "-已整改80%", "按计划推进"]),
                "progress_date": date(2021, 1, 1) + timedelta(days=rng.randint(0, 900)) if rng.random() < 0.6 else None,
                "url": f"https://example.gov.cn/mubiao/{number}/",
                "row_id": f"T{number:06d}",
            }
        )
    return tasks


def _once(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _report(label: str, times: list[float]) -> float:
    best = min(times)
    print(f"{label:<34}{best:8.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times)})")
    return best


def compare(name: str, baseline: Callable[[], Any], ours: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Best times of baseline and ours, run alternately so load swings hit both."""
    base_times: list[float] = []
    our_times: list[float] = []
    for _ in range(repeats):
        base_times.append(_once(baseline))
        our_times.append(_once(ours))
    return _report(f"baseline {name}", base_times), _report(f"ours     {name}", our_times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    tasks = synthetic_tasks(rows)
    print(f"rows: {rows}, best of {repeats}")
    _report("build_ledger", [_once(lambda: build_ledger(tasks)) for _ in range(repeats)])
    df = build_ledger(tasks)
    ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        pairs = {
            "csv": (
                lambda: df.to_csv(out / "base.csv", index=False, encoding="utf-8-sig"),
                lambda: write_csv(df, out / "ours.csv"),
            ),
            "xlsx": (
                lambda: df.to_excel(out / "base.xlsx", index=False, engine="xlsxwriter"),
                lambda: write_xlsx(df, out / "ours.xlsx"),
            ),
            "json": (
                lambda: df.to_json(out / "base.json", orient="records", force_ascii=False, date_format="iso"),
                lambda: write_json(df, out / "ours.json"),
            ),
        }
        for name, (baseline, ours) in pairs.items():
            base_time, our_time = compare(name, baseline, ours, repeats)
            ratios[name] = our_time / base_time
        sizes = {
            name: (out / name).stat().st_size / 1e6
            for name in ("ours.csv", "base.csv", "ours.xlsx", "base.xlsx", "ours.json")
        }
    for name, ratio in ratios.items():
        print(f"ratio {name:<5} ours/baseline: {ratio:.2f}")
    print("sizes (MB): " + ", ".join(f"{name} {size:.1f}" for name, size in sizes.items()))


if __name__ == "__main__":
    main()
