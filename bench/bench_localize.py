"""End to end: `localize` of the 1,500-cue film into two languages with the demo models, stage by stage;
the Prefect flow against the library call (warm), and the peak memory of a run with its models loaded.

The film is the English track of `bench.bench_pipeline` (the corpus films end to end) with its German
track as the reference to align and term-check and the sample glossary; targets es and fr (the demo
argos packages, installed into a throwaway argos home as a user installs them). Stage times come from
the library's own progress callback (the time from one step's start to the next's). The Prefect runs
use a throwaway API (`prefect_test_harness`, as the tests do) with the per-run heartbeat off, and are
taken in turn with the library runs so that load from elsewhere weighs on both alike.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_pipeline import build_bilingual_film
from bench.bench_translate import _isolate_argos, _restore
from bench.harness import table
from subpipe.formats import write_track

ROOT = Path(__file__).resolve().parent.parent
DEMO_MODELS = sorted((ROOT / "models" / "demo").glob("translate-en_*.argosmodel"))
GLOSSARY = ROOT / "samples" / "glossary" / "films.csv"
TARGETS = ["es", "fr"]
RUNS = 3
OVERHEAD_BUDGET_S = 1.0


def write_film(folder: Path) -> tuple[Path, Path, int]:
    en, de = build_bilingual_film()
    return write_track(en, folder / "Film.en.srt"), write_track(de, folder / "Film.de.srt"), len(en.cues)


def timed_localize(source: Path, reference: Path, out: Path, *, translation_cache: bool = False
                   ) -> tuple[float, dict[str, float]]:
    """One library run: its wall time and the time of each step (progress callback to the next one).
    Without `translation_cache`, every sentence is translated again (the persistent cache would
    answer a film seen before)."""
    from subpipe.localize import localize_film
    from subpipe.translate import get_engine

    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    result = localize_film(source, TARGETS, reference_tracks=[reference], glossary=GLOSSARY, output_dir=out,
                           engine=get_engine("argos", use_cache=translation_cache),
                           progress=lambda name, n, total: marks.append((name, time.perf_counter())))
    end = time.perf_counter()
    windows: dict[str, float] = {"plan (checks, engine routes)": marks[0][1] - t0}
    for (name, start), (_, stop) in zip(marks, [*marks[1:], ("end", end)]):
        windows[name] = windows.get(name, 0.0) + stop - start
    # In turn, each language runs when it is submitted, inside the sentences step's window: its own
    # time (translate, re-segment, QC, write) comes from its result.
    languages = {f"localize {lang} (translate, segment, QC, write)": result.languages[lang].seconds
                 for lang in TARGETS}
    in_window = {name: s for name, s in windows.items() if not name.startswith("translate ")}
    in_window["sentences"] -= sum(languages.values())
    return end - t0, {**in_window, **languages}


def flow_run(source: Path, reference: Path, out: Path) -> float:
    from flows.localize import localize_film as localize_flow

    t0 = time.perf_counter()
    localize_flow(source=str(source), target_languages=TARGETS, reference_tracks=[str(reference)],
                  glossary=str(GLOSSARY), output_dir=str(out), review_terms=False)
    return time.perf_counter() - t0


_PEAK_SCRIPT = """
import json, resource, sys, time
from subpipe.localize import localize_film
from subpipe.translate import get_engine
source, reference, glossary, out = sys.argv[1:5]
t0 = time.perf_counter()
localize_film(source, {targets!r}, reference_tracks=[reference], glossary=glossary, output_dir=out,
              engine=get_engine("argos", use_cache=False))
print(json.dumps({{"seconds": time.perf_counter() - t0,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def peak_memory_run(source: Path, reference: Path, out: Path) -> dict:
    """A cold run in a fresh process (every model loaded by the run itself): its peak resident memory."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT.format(targets=TARGETS), str(source), str(reference),
                           str(GLOSSARY), str(out)], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def with_demo_models(prefix: str, body: Callable[[Path], str]) -> str:
    """`body(home)` with argos pointed at a throwaway home under a new folder `home`, the demo models for
    English sources installed there as a user installs them; the environment restored after."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    saved = _isolate_argos(home / "argos")
    try:
        from subpipe.translate.argos import install_package_file

        for model in DEMO_MODELS:
            install_package_file(model)
        return body(home)
    finally:
        _restore(saved)


def run() -> str:
    return with_demo_models("subpipe-bench-localize-", _run)


def _run(home: Path) -> str:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    source, reference, cues = write_film(home)
    memory = peak_memory_run(source, reference, home / "cold")
    timed_localize(source, reference, home / "warm")  # warm: models, pipelines, tables loaded once
    library, flow, stages = [], [], []
    with prefect_test_harness(server_startup_timeout=90), \
            temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        flow_run(source, reference, home / "flow-warm")  # also fills the persistent translation cache
        for k in range(RUNS):
            seconds, per_stage = timed_localize(source, reference, home / f"lib-{k}")
            stages.append(per_stage)
            library.append(timed_localize(source, reference, home / f"lib-cached-{k}", translation_cache=True)[0])
            flow.append(flow_run(source, reference, home / f"flow-{k}"))
    lib_s, flow_s = statistics.median(library), statistics.median(flow)
    whole_s = statistics.median(sum(s.values()) for s in stages)
    rows = [{"stage": name, "median s": f"{statistics.median(s[name] for s in stages):.2f}",
             "share": f"{statistics.median(s[name] for s in stages) / whole_s:.0%}"} for name in stages[0]]
    rows.append({"stage": "**whole film (library, in turn)**", "median s": f"**{whole_s:.2f}**", "share": "100%"})
    overhead = flow_s - lib_s
    verdict = "met" if overhead <= OVERHEAD_BUDGET_S else "NOT met"
    return (f"## End to end: localize a {cues:,}-cue film into {' and '.join(TARGETS)}\n\n"
            "Source SRT with a German reference track and the sample glossary, demo argos models without the "
            f"persistent translation cache; warm (one run before timing), medians of {RUNS} runs. Stage = from "
            "one progress step to the next.\n\n"
            + table(rows) + "\n\n"
            f"Prefect: the localize-film flow (throwaway API, heartbeat off, each step a task) took "
            f"{flow_s:.2f} s against {lib_s:.2f} s for the library call, runs taken in turn, both answered by "
            "the persistent translation cache (so that the difference is orchestration, not decoding): overhead "
            f"**{overhead:.2f} s per film** (budget {OVERHEAD_BUDGET_S:.0f} s: {verdict}).\n\n"
            f"Peak memory of a cold localize run in a fresh process (it loads spaCy, both argos models, the "
            f"lookup tables): **{memory['rss_mib']:.0f} MiB resident** (ru_maxrss); that run took "
            f"{memory['seconds']:.1f} s with the loading.\n")


if __name__ == "__main__":
    print(run())
