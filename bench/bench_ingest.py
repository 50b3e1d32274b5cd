"""Reading and QC-checking a 1,500-cue film against pysrt's and pysubs2's bare parse of the same file."""

import tempfile
from pathlib import Path

import pysrt
import pysubs2

from bench.harness import measure_interleaved, peak_memory, table
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
    vtt = write_track(film, tmp / "long.en.vtt")
    profile = load_profile("netflix", lang="en")
    fns = {
        "pysrt.open (bare parse, SRT)": lambda: pysrt.open(str(srt), encoding="utf-8"),
        "pysubs2.load (bare parse, SRT)": lambda: pysubs2.load(str(srt), encoding="utf-8"),
        "pysubs2.load (bare parse, WebVTT)": lambda: pysubs2.load(str(vtt), encoding="utf-8"),
        "subpipe read_track (SRT)": lambda: read_track(srt),
        "subpipe read_track + check_track (SRT)": lambda: check_track(read_track(srt), profile),
        "subpipe read_track (WebVTT)": lambda: read_track(vtt),
        "subpipe read_track + check_track (WebVTT)": lambda: check_track(read_track(vtt), profile),
    }
    measures = measure_interleaved(fns)
    pysrt_base = measures["pysrt.open (bare parse, SRT)"]
    rows = []
    for name, m in measures.items():
        same_file_pysubs2 = measures[f"pysubs2.load (bare parse, {'WebVTT' if 'WebVTT' in name else 'SRT'})"]
        rows.append({"what": name, "median ms": f"{m.median_s * 1000:.1f}",
                     "x pysrt (SRT of the film)": f"{m.ratio_to(pysrt_base):.2f}",
                     "x pysubs2 (same file)": f"{m.ratio_to(same_file_pysubs2):.2f}",
                     "peak MiB": f"{peak_memory(fns[name]):.1f}"})
    return (f"## Ingest: read + QC a {len(film.cues)}-cue film as SRT ({srt.stat().st_size // 1024} KiB) and as "
            f"WebVTT ({vtt.stat().st_size // 1024} KiB)\n\n"
            "Film built by concatenating the corpus films with shifted times. Medians of 9 runs taken in turn "
            "(so load from elsewhere slows all alike); ratios to bare parses in the same process: pysrt's of the "
            "SRT (the target: read within 2.0x, read + QC within 2.5x, for both files) and pysubs2's of the same "
            "file. Reading includes encoding detection and every finding; peak = Python heap (tracemalloc).\n\n"
            + table(rows) + "\n")
