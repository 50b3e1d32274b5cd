"""A bounded fuzz over every reader and every writer, seeded from real corpus files.

Each example takes a real subtitle file, mutates its bytes or lines (flips, cuts, repeats, splices in
tokens that mean something to some format), then reads the result as *every* format of the registry
and by detection. The only allowed outcomes are a `Track` or a `SubpipeError`. Every track read is
then written in every writable format and read back, under the same rule; what subpipe wrote it must
read back with as many cues.

Bounded and deterministic: `derandomize=True` (the same examples on every run, so CI does not flake),
a fixed number of examples and small seeds keep the file under a minute on a busy machine.
"""

import pytest
from conftest import CORNER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subpipe.cues import Track
from subpipe.errors import SubpipeError
from subpipe.formats import compose_track, format_ids, get_format, parse_track

SEEDS = [
    "cdown-srt/ascii.srt", "cdown-srt/gb2312.srt", "pysrt/no-indexes.srt", "pysrt/bom-utf-16-le.srt",
    "media3/subrip/typical_missing_timecode", "gpac-misc/subtitle.sub", "gpac-webvtt/spec-example-voice.vtt",
    "media3/webvtt/with_positioning", "media3/ssa/typical", "pysubs2/ttml_example.ttml",
    "gpac-ttml/ebu-ttd_sample_span.ttml",
]
# Pieces of syntax of every format, spliced in so that mutations reach past the first check of a reader.
TOKENS = [b"-->", b" --> ", b"00:00:01,000", b"00:01.000", b"\n\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe",
          b"WEBVTT\n", b"NOTE ", b"STYLE\n", b"::cue(", b"<v ", b"<i>", b"</i>", b"<c.", b"&amp;", b"&#",
          b"[Events]\n", b"Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,", b"{\\an8}", b"{\\i1}", b"{",
          b"<SAMI>", b"<SYNC Start=", b"<P Class=ENCC>", b"<!--", b"<tt xmlns=\"http://www.w3.org/ns/ttml\">",
          b"<p begin=\"1s\" end=\"", b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"{1}{25}", b"[10][20]", b"|", b"\xc3",
          b"\xd0\xbf", b"9" * 30]


def _seed_bytes() -> list[bytes]:
    return [(CORNER / name).read_bytes() for name in SEEDS]


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "token", "repeat-line", "drop-line", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 3))
        elif op in ("repeat-line", "drop-line"):
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines[k:k + 1] = [lines[k]] * 2 if op == "repeat-line" else []
            data = bytearray(b"\n".join(lines))
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def _read(data: bytes, fmt: str | None) -> Track | None:
    try:
        track = parse_track(data, path="fuzz.bin", format=fmt, fps=25.0)
    except SubpipeError:
        return None
    assert isinstance(track, Track)
    return track


def _write_and_read_back(track: Track) -> None:
    for fmt in format_ids():
        if not get_format(fmt).writable:
            continue
        try:
            text = compose_track(track, fmt, fps=25.0)
        except SubpipeError:
            continue
        again = parse_track(text.encode("utf-8"), path=f"again.{fmt}", format=fmt, fps=25.0)
        shown = [c for c in track.cues if not c.comment] if fmt == "srt" else track.cues
        assert len(again.cues) == len(shown), (fmt, text[:500])


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_reads_unmutated(seed, corpus):
    assert _read((CORNER / seed).read_bytes(), None) is not None


@settings(max_examples=800, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_files_give_a_track_or_a_subpipe_error_in_every_reader_and_writer(data):
    blob = data.draw(mutated(_seed_bytes()))
    for fmt in [None, *format_ids()]:
        track = _read(blob, fmt)
        if track is not None:
            _write_and_read_back(track)
