"""Run every benchmark and rewrite BENCHMARKS.md."""

import datetime
import importlib
import sys
from pathlib import Path

from bench.harness import machine_line
from subpipe.fileio import write_text_atomic

SUITES = ["bench.bench_ingest", "bench.bench_terms", "bench.bench_align", "bench.bench_pipeline", "bench.bench_translate",
          "bench.bench_localize", "bench.bench_batch", "bench.bench_langid", "bench.bench_quality", "bench.bench_hostile"]
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parts = [
        "# Benchmarks\n",
        f"Written by `make bench` on {datetime.date.today().isoformat()}. Machine: {machine_line()}.\n",
        "Figures are medians of repeated runs and ratios to a baseline measured in the same process, so "
        "they compare across machines better than raw times do.\n",
    ]
    for name in SUITES:
        print(f"running {name} ...", flush=True)
        parts.append(importlib.import_module(name).run())
    write_text_atomic(ROOT / "BENCHMARKS.md", "\n".join(parts))
    print(f"wrote {ROOT / 'BENCHMARKS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
