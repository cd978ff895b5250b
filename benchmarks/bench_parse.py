"""Time the parser on the seed documents.

Run from the project root:  .venv/bin/python benchmarks/bench_parse.py [repeats]

Prints the best of N runs for each seed (read + recognise, from bytes) and for
all five together, plus a coverage check, so a slowdown or a lost character
shows up next to the number.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cms.importer.parsing import coverage, parse_bytes  # noqa: E402

SEEDS = sorted((ROOT / "content" / "seeds").glob("00*.txt"))


def best_of(repeats: int, action) -> float:
    """Best wall time of ``repeats`` runs, in seconds (the least disturbed run)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    files = [(path.name, path.read_bytes()) for path in SEEDS]
    print(f"{'seed':<28}{'KB':>8}{'ms':>10}  coverage")
    for name, data in files:
        elapsed = best_of(repeats, lambda data=data, name=name: parse_bytes(data, name))
        ratio, _missing = coverage(data.decode("utf-8"), parse_bytes(data, name))
        print(f"{name:<28}{len(data) / 1024:>8.1f}{elapsed * 1000:>10.1f}  {ratio:.4f}")
    total = best_of(repeats, lambda: [parse_bytes(data, name) for name, data in files])
    size = sum(len(data) for _, data in files) / 1024
    print(f"{'all five':<28}{size:>8.1f}{total * 1000:>10.1f}")


if __name__ == "__main__":
    main()
