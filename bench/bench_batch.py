"""A nightly batch: `subpipe.batch.run_batch` over up to 20 films, two threads against two Dask worker
processes (what `task_runner = "dask"` starts: a LocalCluster per batch), and the cost per film as the
batch grows.

The films are the corpus films with an English track (Elephants Dream, Sintel, Tears of Steel) dropped
again and again under new titles (each cue tagged with its film, so that no text repeats), each with its
German track as the reference, into es and fr with the demo argos models. Threads share one warm process (models loaded before timing, as in a long-lived
worker); the Dask workers are fresh processes, so each loads its models in the batch, which is what a
LocalCluster per batch costs; the cluster's own start is timed apart.
"""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.bench_localize import with_demo_models
from bench.harness import table

ROOT = Path(__file__).resolve().parent.parent
FILMS = ROOT.parent / "shared" / "corpus" / "films"
TRACKS = [("elephants-dream/elephants-dream-subtitles-en.vtt", "elephants-dream/elephants-dream-subtitles-de.vtt"),
          ("sintel/sintel-en.vtt", "sintel/sintel-de.vtt"), ("tears-of-steel/TOS-en.vtt", "tears-of-steel/TOS-de.vtt")]
SIZES = (2, 10, 20)
WORKERS = 2


class DaskRunner:
    """A Dask client as a `subpipe.runners.Runner`; every film is a new task (never deduplicated by key)."""

    def __init__(self, client) -> None:
        self.client = client

    def submit(self, fn, /, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)


def drop_films(inbox: Path, count: int) -> None:
    """`count` films in `inbox`, each cue with words starting with its film's number ("Film 7: ..."), so
    that no film repeats another's texts (which caches by text would otherwise answer)."""
    from subpipe.formats import read_track, write_track

    inbox.mkdir(parents=True)
    for k in range(count):
        for lang, name in zip(("en", "de"), TRACKS[k % len(TRACKS)]):
            track = read_track(FILMS / name)
            track.cues = [c.copy(text=f"Film {k}: {c.text}") if c.plain.strip() else c for c in track.cues]
            write_track(track, inbox / f"Film{k:02d}.{lang}.vtt")


def timed_batch(home: Path, name: str, count: int, runner) -> float:
    from subpipe.batch import BatchSettings, run_batch
    from subpipe.translate import get_engine

    settings = BatchSettings(inbox=home / name / "inbox", outbox=home / name / "outbox", glossaries=home,
                             target_languages=["es", "fr"], concurrency=WORKERS)
    drop_films(settings.inbox, count)
    t0 = time.perf_counter()
    # No persistent translation cache: it would answer the texts the films share with earlier runs.
    result = run_batch(settings, runner=runner, engine=get_engine("argos", use_cache=False))
    seconds = time.perf_counter() - t0
    if result.failed:  # a film that failed fast would flatter the times
        raise RuntimeError(f"batch {name}: failed: {result.failed}")
    return seconds


def run() -> str:
    return with_demo_models("subpipe-bench-batch-", _run)


def _run(home: Path) -> str:
    from distributed import Client, LocalCluster

    rows, starts = [], []
    with ThreadPoolExecutor(WORKERS) as pool:
        timed_batch(home, "warm", 2, pool)  # models loaded in this process before timing
        threads = {n: timed_batch(home, f"threads-{n}", n, pool) for n in SIZES}
    dask = {}
    for n in SIZES:
        t0 = time.perf_counter()
        with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            starts.append(time.perf_counter() - t0)
            dask[n] = timed_batch(home, f"dask-{n}", n, DaskRunner(client))
    for n in SIZES:
        rows.append({"films": n, "threads s": f"{threads[n]:.1f}", "threads s/film": f"{threads[n] / n:.2f}",
                     "Dask processes s": f"{dask[n]:.1f}", "Dask s/film": f"{dask[n] / n:.2f}",
                     "Dask / threads": f"{dask[n] / threads[n]:.2f}"})
    return ("## Batch: 20 films, threads against Dask processes\n\n"
            f"`run_batch` with {WORKERS} films in flight: a thread pool in a warm process, or a Dask LocalCluster "
            f"of {WORKERS} single-threaded worker processes started per batch (start: median "
            f"{statistics.median(starts):.1f} s, not in the batch times; each worker loads its models during "
            "the batch). Films: the corpus films with English and German tracks under new titles, each cue tagged with "
            "its film so that none repeats another, into es and fr with the demo models, without the persistent "
            "translation cache.\n\n" + table(rows) + "\n")


if __name__ == "__main__":
    print(run())
