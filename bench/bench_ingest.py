"""Reading and QC-checking a 1,500-cue film against pysrt's and pysubs2's bare parse of the same file."""

import tempfile
from pathlib import Path

import pysrt
import pysubs2

from bench.harness import measure, peak_memory, table
from subpipe.cues import Track
from subpipe.formats import read_track, write_track
from subpipe.qc import check_track, load_profile

ROOT = Path(__file__).resolve().parent.parent
FILMS = ROOT.parent / "shared" / "corpus" / "films"


def build_long_film(target_cues: int = 1500) -> Track:
    """Concatenate the corpus films, each shifted past the end of the previous, until `target_cues`."""
    sources = sorted(FILMS.rglob("*.vtt"))
    cues, offset = [], 0
    while len(cues) < target_cues:
        for src in sources:
            track = read_track(src)
            for cue in track.cues:
                if len(cues) == target_cues:
                    break
                cues.append(cue.copy(start=cue.start + offset, end=cue.end + offset, position=len(cues)))
            offset = cues[-1].end + 2000
    return Track(cues=cues, lang="en")


def run() -> str:
    film = build_long_film()
    tmp = Path(tempfile.mkdtemp(prefix="subpipe-bench-"))
    srt = write_track(film, tmp / "long.en.srt")
    profile = load_profile("netflix", lang="en")

    def ours():
        check_track(read_track(srt), profile)

    base_pysrt = measure("pysrt.open (bare parse)", lambda: pysrt.open(str(srt), encoding="utf-8"))
    base_pysubs2 = measure("pysubs2.load (bare parse)", lambda: pysubs2.load(str(srt), encoding="utf-8"))
    read_only = measure("subpipe read_track", lambda: read_track(srt))
    full = measure("subpipe read_track + check_track", ours)
    rows = []
    for m, fn in ((base_pysrt, lambda: pysrt.open(str(srt), encoding="utf-8")),
                  (base_pysubs2, lambda: pysubs2.load(str(srt), encoding="utf-8")),
                  (read_only, lambda: read_track(srt)), (full, ours)):
        rows.append({"what": m.name, "median ms": f"{m.median_s * 1000:.1f}",
                     "x pysrt": f"{m.ratio_to(base_pysrt):.2f}", "x pysubs2": f"{m.ratio_to(base_pysubs2):.2f}",
                     "peak MiB": f"{peak_memory(fn):.1f}"})
    return (f"## Ingest: read + QC a {len(film.cues)}-cue SRT film ({srt.stat().st_size // 1024} KiB)\n\n"
            f"Film built by concatenating the corpus films with shifted times. Medians of {full.runs} runs; "
            "ratios to the bare parse of the same file in the same process; peak = Python heap (tracemalloc).\n\n"
            + table(rows) + "\n")
