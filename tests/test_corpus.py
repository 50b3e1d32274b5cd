"""Every file of the shared corpus is read with findings or rejected with a located SubpipeError.

Nothing else may escape a reader, and no cue is lost silently: the cue blocks counted in the file
independently of the readers equal the cues in the track plus the cues reported as dropped (an SRT
block whose timing line is missing counts: `webvtt-py/missing_timeframe.srt`,
`media3/subrip/typical_missing_timecode`).
"""

import re

import pytest
from conftest import CORPUS

from subpipe.encoding import decode
from subpipe.errors import ErrorCode, FindingKind, SubpipeError
from subpipe.formats import parse_track

ALL_FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []
# MicroDVD counts frames: the walk gives a frame rate so those files are read, not refused.
WALK_FPS = 25.0


def _id(path):
    return str(path.relative_to(CORPUS))


def test_corpus_is_there(corpus):
    assert len(ALL_FILES) > 400


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_every_corpus_file_is_read_or_rejected_with_a_location(path):
    data = path.read_bytes()
    try:
        track = parse_track(data, path=str(path), fps=WALK_FPS)
    except SubpipeError as exc:
        assert exc.path == str(path), f"error does not name the file: {exc}"
        assert exc.line is not None and exc.line >= 1, f"error does not name a line: {exc}"
        assert isinstance(exc.code, ErrorCode | FindingKind), f"uncatalogued code {exc.code!r}"
        return
    for f in track.findings:
        assert f.path == str(path), f"finding without its file: {f}"
        assert f.kind and f.message
        assert isinstance(f.kind, FindingKind), f"uncatalogued finding kind {f.kind!r}"
    positions = [c.position for c in track.cues]
    assert len(set(positions)) == len(positions), "two cues share a position"
    for cue in track.cues:
        assert isinstance(cue.start, int) and isinstance(cue.end, int)
        assert cue.line is None or cue.line >= 1
    assert path.read_bytes() == data, "input modified"


# Independent cue-block counting, per format, on the decoded text.
_TIMING = re.compile(r"-->")
_ASS_EVENT = re.compile(r"^(Dialogue|Comment)\s*:", re.MULTILINE)
_MICRODVD = re.compile(r"^\s*\{\d+\}\{\d*\}", re.MULTILINE)
_MPL2 = re.compile(r"^\s*\[\d+\]\[\d*\]", re.MULTILINE)
_TTML_P = re.compile(r"<(?:\w+:)?p[\s>]")
_SAMI_SYNC = re.compile(r"<sync\b", re.IGNORECASE)


def _srt_blocks_without_timing(text: str) -> int:
    """Paragraphs of an index line and text but no timing line: cues that lost their timing (issue 9)."""
    count = 0
    for para in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = [line for line in para.split("\n") if line.strip()]
        if len(lines) >= 2 and lines[0].strip().isdigit() and not any(_TIMING.search(x) for x in lines):
            count += 1
    return count


def count_cue_blocks(text: str, fmt: str | None) -> int:
    if not text.strip():
        return 0
    if fmt == "srt":
        return sum(1 for line in text.split("\n") if _TIMING.search(line)) + _srt_blocks_without_timing(text)
    if fmt == "vtt":
        # W3C "collect a WebVTT block": a "-->" line is a timing line as a block's 1st line (or 2nd after an
        # id); anywhere else it ends the block and starts a new one. So each such line starts one cue block.
        return sum("-->" in line for line in text.split("\n")[1:])
    if fmt in {"ass", "ssa"}:
        events = text.split("[Events]", 1)[-1] if "[Events]" in text else text
        events = re.split(r"^\[(?!Events)", events, flags=re.MULTILINE)[0]
        return len(_ASS_EVENT.findall(events))
    if fmt == "microdvd":
        return len(_MICRODVD.findall(text))
    if fmt == "mpl2":
        return len(_MPL2.findall(text))
    if fmt == "ttml":
        return len(_TTML_P.findall(text))
    if fmt == "sami":
        return len(_SAMI_SYNC.findall(text))
    raise AssertionError(f"no independent counter for {fmt}")


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_cue_accounting(path):
    try:
        track = parse_track(path.read_bytes(), path=str(path), fps=WALK_FPS)
    except SubpipeError:
        return
    text = decode(path.read_bytes(), path=str(path)).text
    in_file = count_cue_blocks(text, track.format)
    dropped = len(track.dropped())
    assert in_file == len(track.cues) + dropped, (
        f"{track.format}: {in_file} cue blocks in the file, {len(track.cues)} in the track, {dropped} reported "
        f"dropped")
