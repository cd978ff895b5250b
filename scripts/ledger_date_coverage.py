"""How many ledger rows have a date: 截止日期 or 下次节点, and 年度 (issue 14's measure).

Builds the public all-items ledger from the current database's public
snapshot (the same frame the downloads are written from) and prints the
shares, then every row still without a date or a year, with its text.

Run (after importing the seeds into a scratch database):
    DJANGO_SETTINGS_MODULE=cms.settings.dev python scripts/ledger_date_coverage.py
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    django.setup()
    # Django must be set up before the exporter's modules load their models.
    from cms.ledger.tables import build_ledger
    from export.downloads import ledgers
    from export.site import Site
    from export.snapshot import take_snapshot

    items = ledgers(Site.from_snapshot(take_snapshot()))
    every = next((ledger for ledger in items if ledger.name == "tasks"), None)
    if every is None:
        print("台账为空")
        return 1
    frame = build_ledger(every.tasks)
    total = len(frame)
    dated = frame["截止日期"].notna() | frame["下次节点"].notna()
    with_year = frame["年度"].notna()
    print(f"台账行数 {total}")
    checked = int(frame["下次节点"].notna().sum())
    print(f"有截止日期或下次节点 {int(dated.sum())}（{dated.mean():.1%}）；有下次节点 {checked}")
    print(f"有年度 {int(with_year.sum())}（{with_year.mean():.1%}）；有发文字号 {int((frame['发文字号'] != '').sum())}")
    print("按类型：", dict(Counter(frame["类型"])))
    print("截止日期年份：", dict(sorted(Counter(d.year for d in frame["截止日期"].dropna()).items())))
    for _, row in frame[~dated | ~with_year].iterrows():
        text = (row["工作任务"] or "") + "｜" + (row["工作内容"] or "")
        print(f"- [{row['类型']}] {row['文件标题'][:30]}｜完成时限：{row['完成时限'] or '（空）'}｜{text[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
