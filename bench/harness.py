"""Timing and memory helpers shared by the benchmarks: medians of repeated runs, peak memory."""

import gc
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version


@dataclass
class Measure:
    name: str
    median_s: float
    runs: int
    peak_mib: float | None = None

    def ratio_to(self, baseline: "Measure") -> float:
        return self.median_s / baseline.median_s if baseline.median_s else float("inf")


def measure(name: str, fn: Callable[[], object], runs: int = 7, warmup: int = 1) -> Measure:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return Measure(name, statistics.median(times), runs)


def measure_interleaved(fns: dict[str, Callable[[], object]], runs: int = 9, warmup: int = 1) -> dict[str, Measure]:
    """`measure` for several functions, their runs taken in turn, so that a machine busy with something
    else slows each of them alike and their ratios stay true."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: Measure(name, statistics.median(ts), runs) for name, ts in times.items()}


def peak_memory(fn: Callable[[], object]) -> float:
    """Peak Python heap allocated while `fn` runs, in MiB (tracemalloc: allocations, not RSS)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def machine_line() -> str:
    import os

    libs = ", ".join(f"{p} {version(p)}" for p in ("pysrt", "pysubs2", "charset-normalizer", "spacy"))
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; {libs}")


def table(rows: list[dict]) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(out)
