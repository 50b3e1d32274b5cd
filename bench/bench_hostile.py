"""Hostile input (issue 9, case 7): what a crafted or oversized file costs to read, check or refuse.

Every hostile file is generated here into a temporary folder, the same bytes on every run. Three parts:

- SAMI with tags that are never closed, against well-formed SAMI of the same number of syncs, at 10,000
  and 20,000 syncs: a ratio near 2 from 10,000 to 20,000 is linear growth. Python's `html.parser` fed
  the never-closed file (what the SAMI reader did before `escape_unclosed_tags`) is measured at 1,000
  and 2,000 tags to show the quadratic growth that made 10,000 of them take 40 s.
- A 10 MB SRT of 95,000 short cues (under the 100,000-cue limit), read and QC-checked, against pysrt's
  bare parse of the same file.
- Files beyond the limits (`subpipe.limits` defaults), timed to the refusal; a cue at the 10,000-character
  cap checked and fixed, with the length of the longest finding message.

Peak memory is the Python heap while a step runs (tracemalloc). RSS growth is the peak resident set of a
fresh interpreter during one run of the step minus its resident set just before (imports done), so it
includes what tracemalloc does not see (the interpreter's own buffers, C libraries).
"""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pysrt

from bench.bench_ingest import build_long_film
from bench.harness import Measure, measure, peak_memory, table
from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.limits import Limits
from subpipe.qc import check_track, fix_track, load_profile
from subpipe.terms import load_glossary

SAMI_SYNCS = (10_000, 20_000)
HTML_PARSER_TAGS = (1_000, 2_000)
BIG_SRT_CUES = 95_000
CUE_EVERY_MS = 3000
LINE_WIDTH = 35  # with two lines a cue, 95,000 cues make about 10 MB
OVERSIZED_BYTES = 200_000_000
LONG_LINE_WORDS = 1_000_000  # "word " x 1,000,000: one 5 MB cue line
JSON_DEPTH = 100_000


# --------------------------------------------------------------------------------------- the files

def never_closed_sami(syncs: int) -> str:
    """The issue's crafted file: ``<SYNC Start=`` repeated, no ``>`` ever (120 KB at 10,000)."""
    return "<SAMI><BODY>" + "<SYNC Start=" * syncs


def unterminated_sami(syncs: int) -> str:
    """``<SYNC Start=N><P>x`` repeated: every tag closed by ``>``, no end tag anywhere."""
    return "<SAMI><BODY>" + "".join(f"<SYNC Start={i * 1000}><P>x" for i in range(syncs))


def well_formed_sami(syncs: int) -> str:
    head = "<SAMI><HEAD><STYLE><!-- .ENCC {lang: en-US;} --></STYLE></HEAD><BODY>\n"
    body = "".join(f"<SYNC Start={i * 1000}><P Class=ENCC>x</P></SYNC>\n" for i in range(syncs))
    return head + body + "</BODY></SAMI>\n"


def _srt_time(ms: int) -> str:
    return f"{ms // 3_600_000:02}:{ms // 60_000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"


def srt_text(texts: list[str]) -> str:
    """SRT of `texts`, one cue every `CUE_EVERY_MS`, each shown 500 ms less."""
    return "".join(f"{i + 1}\n{_srt_time(i * CUE_EVERY_MS)} --> {_srt_time((i + 1) * CUE_EVERY_MS - 500)}\n"
                   f"{text}\n\n" for i, text in enumerate(texts))


def two_line_texts(count: int, width: int = LINE_WIDTH) -> list[str]:
    """`count` cue texts of two lines of at most `width` characters, filled with the words of the ingest
    bench's film in order (repeated as needed): short, real subtitles."""
    words = [w for cue in build_long_film(1500).cues for w in cue.plain.split()]
    texts: list[str] = []
    lines: list[str] = []
    line = ""
    i = 0
    while len(texts) < count:
        word = words[i % len(words)]
        i += 1
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = ""
            if len(lines) == 2:
                texts.append("\n".join(lines))
                lines = []
        line = f"{line} {word}" if line else word
    return texts


def write_sparse(path: Path, head: str, size: int) -> Path:
    """`head` then zeros up to `size` bytes, as a sparse file: no disk and no time to make."""
    with open(path, "wb") as fh:
        fh.write(head.encode())
        fh.truncate(size)
    return path


# ------------------------------------------------------------------------------------- the steps

def _refused(fn: Callable[[], object]) -> Callable[[], str]:
    """`fn` run for the error it must raise: its message (a bench of a refusal that never came is void)."""
    def run() -> str:
        try:
            fn()
        except SubpipeError as err:
            return err.message
        raise AssertionError(f"{fn} was not refused")
    return run


def _html_parser(text: str) -> None:
    parser = HTMLParser()
    parser.feed(text)
    parser.close()


def _json_loads_fails(text: str) -> None:
    try:
        json.loads(text)
    except RecursionError:
        return
    raise AssertionError("json.loads read a 100,000-deep document")


def _netflix_en():
    return load_profile("netflix", lang="en")


# Steps measured in a fresh interpreter for RSS growth: name -> what to do with the file's path.
RSS_STEPS: dict[str, Callable[[Path], object]] = {
    "pysrt": lambda p: pysrt.open(str(p), encoding="utf-8"),
    "read": lambda p: read_track(p),
    "read+check": lambda p: check_track(read_track(p), _netflix_en()),
    "refused-read": lambda p: _refused(lambda: read_track(p))(),
    "refused-glossary": lambda p: _refused(lambda: load_glossary(p))(),
}


def rss_growth_mib(step: str, path: Path) -> float:
    """Peak RSS growth of `step` on `path` in a fresh interpreter (see the module docstring)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run([sys.executable, "-m", "bench.bench_hostile", "--rss", step, str(path)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1]) / 1024


def _peak_rss_kib() -> int:
    """This process's peak resident set (Linux VmHWM). Not getrusage's ru_maxrss: that survives exec,
    so a child of a big bench process would start at the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))


def _step_rss_kib(step: str, path: Path) -> int:
    fn = RSS_STEPS[step]
    before = _peak_rss_kib()
    fn(path)
    return _peak_rss_kib() - before


# ------------------------------------------------------------------------------------- the parts

def _ms(m: Measure) -> str:
    return f"{m.median_s * 1000:,.1f}"


def run_sami(tmp: Path) -> str:
    rows = []
    base: dict[int, Measure] = {}
    shapes = (("well-formed SAMI (baseline)", well_formed_sami),
              ("`<SYNC Start=N><P>x` repeated, no end tags", unterminated_sami),
              ("`<SYNC Start=` repeated, never closed (the issue's file)", never_closed_sami))
    for label, make in shapes:
        previous = None
        for syncs in SAMI_SYNCS:
            path = tmp / f"{make.__name__}-{syncs}.smi"
            path.write_text(make(syncs), encoding="utf-8")
            m = measure(f"{label}, read_track", lambda p=path: read_track(p), runs=5)
            base.setdefault(syncs, m)
            rows.append({"what": m.name, "syncs": f"{syncs:,}", "KiB": f"{path.stat().st_size // 1024:,}",
                         "median ms": _ms(m), "x well-formed": f"{m.ratio_to(base[syncs]):.2f}",
                         "x half as many": f"{m.ratio_to(previous):.2f}" if previous else "",
                         "cues": len(read_track(path).cues)})
            previous = m
    previous = None
    for tags in HTML_PARSER_TAGS:
        text = never_closed_sami(tags)
        m = measure("html.parser fed the never-closed file (the reader before the fix)",
                    lambda t=text: _html_parser(t), runs=3)
        rows.append({"what": m.name, "syncs": f"{tags:,}", "KiB": f"{len(text) // 1024:,}", "median ms": _ms(m),
                     "x well-formed": "", "x half as many": f"{m.ratio_to(previous):.2f}" if previous else "",
                     "cues": ""})
        previous = m
    return ("### SAMI with unclosed tags\n\n"
            "Medians of 5 runs (html.parser: 3). *x well-formed*: to the well-formed file of the same number of "
            "syncs; *x half as many*: to the same shape with half the syncs (about 2 is linear, about 4 "
            "quadratic). The never-closed file has no cue: its `<` are read as text (one `unclosed-tag` "
            "finding). Before the fix the reader handed it to html.parser, whose cost the last rows show; "
            "by hand, 10,000 such tags (120 KB) took 37.8 s to read then, about 1 s (`subpipe inspect`) "
            "after.\n\n" + table(rows) + "\n")


def run_big_srt(tmp: Path) -> str:
    path = tmp / "Big.en.srt"
    path.write_text(srt_text(two_line_texts(BIG_SRT_CUES)), encoding="utf-8")
    profile = _netflix_en()
    # (label, step, heap peak measured?): see the section text for why read_track alone has none
    steps = (("pysrt.open (bare parse, baseline)", "pysrt", True), ("subpipe read_track", "read", False),
             ("subpipe read_track + check_track (netflix en)", "read+check", True))
    runs = 3
    rows, base = [], None
    findings = len(check_track(read_track(path), profile))
    for label, step, with_peak in steps:
        fn = partial(RSS_STEPS[step], path)
        m = measure(label, fn, runs=runs, warmup=0)
        base = base or m
        rows.append({"what": label, "median s": f"{m.median_s:.2f}", "x pysrt": f"{m.ratio_to(base):.2f}",
                     "peak MiB": f"{peak_memory(fn):.0f}" if with_peak else "",
                     "RSS growth MiB": f"{rss_growth_mib(step, path):.0f}"})
    hours = BIG_SRT_CUES * CUE_EVERY_MS / 3_600_000
    return (f"### A {path.stat().st_size / 1e6:.1f} MB SRT of {BIG_SRT_CUES:,} short cues\n\n"
            f"The ingest film's words in order, two lines of at most {LINE_WIDTH} characters a cue, one cue every "
            f"{CUE_EVERY_MS / 1000:g} s ({hours:.0f} hours, under the {Limits().max_cues:,}-cue limit); "
            f"{findings:,} QC findings. Medians of {runs} runs, no warm-up. The heap peak of read_track alone is "
            "reached within read + check and not measured apart (tracemalloc makes a run ten times slower). "
            "By hand, `subpipe inspect` of a 10 MB SRT took 21.5 s and 188 MB before the fixes, 6.9 s "
            "after.\n\n" + table(rows) + "\n")


def _limit_row(what: str, fn: Callable[[], object], base: Measure | None, rss: tuple[str, Path] | None,
               result: str, runs: int = 3) -> tuple[dict, Measure]:
    m = measure(what, fn, runs=runs)
    return ({"what": what, "median ms": _ms(m), "x baseline": f"{m.ratio_to(base):.2f}" if base else "",
             "peak MiB": f"{peak_memory(fn):.1f}", "RSS growth MiB": f"{rss_growth_mib(*rss):.0f}" if rss else "",
             "result": result}, m)


def run_beyond_limits(tmp: Path) -> str:
    limits = Limits()
    huge = write_sparse(tmp / "Huge.en.srt", srt_text(["Hello there."]), OVERSIZED_BYTES)
    long_line = tmp / "LongLine.en.srt"
    long_line.write_text(srt_text(["word " * LONG_LINE_WORDS]), encoding="utf-8")
    at_cap = tmp / "AtCap.en.srt"
    at_cap.write_text(srt_text([("word " * limits.max_cue_chars)[:limits.max_cue_chars]]), encoding="utf-8")
    deep = tmp / "deep.json"
    deep.write_text("[\n" * JSON_DEPTH + "]" * JSON_DEPTH, encoding="utf-8")

    profile = _netflix_en()
    cap_track = read_track(at_cap)
    checked = check_track(cap_track, profile)
    fixed_track, fixes = fix_track(cap_track, profile)

    refuse_huge = _refused(lambda: read_track(huge))
    refuse_line = _refused(lambda: read_track(long_line))
    refuse_deep = _refused(lambda: load_glossary(deep))
    rows = []
    row, _ = _limit_row(f"read_track of a {OVERSIZED_BYTES / 1e6:.0f} MB SRT (sparse)", refuse_huge, None,
                        ("refused-read", huge), f"refused: {refuse_huge()}")
    rows.append(row)
    row, base = _limit_row(f"pysrt.open of a {long_line.stat().st_size / 1e6:.0f} MB single-cue-line SRT "
                           "(baseline)", lambda: pysrt.open(str(long_line), encoding="utf-8"), None,
                           ("pysrt", long_line), "one cue")
    rows.append(row)
    row, _ = _limit_row("read_track of the same file", refuse_line, base, ("refused-read", long_line),
                        f"refused: {refuse_line()}")
    rows.append(row)
    row, base = _limit_row(f"json.loads of a {JSON_DEPTH:,}-deep JSON glossary (baseline)",
                           lambda: _json_loads_fails(deep.read_text(encoding="utf-8")), None, None, "RecursionError")
    rows.append(row)
    row, _ = _limit_row("load_glossary of the same file", refuse_deep, base, ("refused-glossary", deep),
                        f"refused: {refuse_deep()}")
    rows.append(row)
    longest_check = max(len(f.message) for f in checked)
    row, _ = _limit_row(f"check_track of one cue at the {limits.max_cue_chars:,}-character cap",
                        lambda: check_track(cap_track, profile), None, None,
                        f"{len(checked)} findings, longest message {longest_check:,} characters", runs=5)
    rows.append(row)
    longest_fix = max(len(f.message) for f in fixes)
    row, _ = _limit_row("fix_track of the same cue (extend, gap, split)", lambda: fix_track(cap_track, profile),
                        None, None, f"{len(fixed_track.cues)} cues, {len(fixes)} findings, longest message "
                        f"{longest_fix:,} characters", runs=5)
    rows.append(row)
    return ("### Beyond the limits\n\n"
            f"Default limits: {limits.max_file_bytes:,} bytes a file, {limits.max_cue_chars:,} characters a cue, "
            f"{limits.max_cues:,} cues. The {OVERSIZED_BYTES / 1e6:.0f} MB SRT is one cue then zeros, written "
            "sparse (the size is refused from `stat` before a byte is read). Medians of 3 runs (the cue at the "
            "cap: 5), after one warm-up. By hand before the fixes: `qc` of a 5 MB cue line took 156 s and "
            "printed 30 MB; the 200 MB SRT ran past 120 s at 2.3 GB; the deep JSON raised RecursionError. A heap "
            "peak of about 48 MiB on a small file is `fileio.read_input`'s `fh.read(max_bytes + 1)`, which "
            "allocates the whole limit up front; untouched, it is not resident (RSS growth).\n\n"
            + table(rows) + "\n")


def run() -> str:
    tmp = Path(tempfile.mkdtemp(prefix="subpipe-bench-hostile-"))
    try:
        parts = [run_sami(tmp), run_big_srt(tmp), run_beyond_limits(tmp)]
    finally:
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()
    return ("## Hostile input: cost to read, check or refuse (issue 9, case 7)\n\n"
            "Every file is generated by the bench, the same on every run. Peak = Python heap while the step "
            "runs (tracemalloc); RSS growth = peak resident set of a fresh interpreter during one run minus "
            "its resident set before it.\n\n" + "\n".join(parts))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--rss"]:
        print(_step_rss_kib(sys.argv[2], Path(sys.argv[3])))
    else:
        print(run())
