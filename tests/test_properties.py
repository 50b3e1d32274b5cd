"""Properties over every writable format, through the registry: write-then-read is the identity on
generated tracks (styling included), and readers fed mutated bytes raise nothing but SubpipeError."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CORNER, CORPUS, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysubs2.time import frames_to_ms

from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import compose_track, format_ids, get_format, parse_track

WORDS = st.sampled_from(["Emo", "look", "the", "machine", "¿Qué?", "über", "déjà-vu", "42", "R&D", "don't",
                         "5<6", "wait...", "日本語", "Привет", "—", "Proog!"])


@st.composite
def styled_line(draw, tags=("i", "b", "u")):
    words = draw(st.lists(WORDS, min_size=1, max_size=6))
    text = " ".join(words).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    tag = draw(st.sampled_from([None, *tags]))
    return f"<{tag}>{text}</{tag}>" if tag else text


@dataclass(frozen=True)
class Fidelity:
    """What a format keeps of a track: the time step it stores and the styling it writes."""

    step_ms: int = 1
    tags: tuple[str, ...] = ("i", "b", "u")
    keeps_align: bool = True
    fps: tuple[float, ...] = ()  # frame-based: times are whole frames at one of these rates


# Every writable format of the registry must be listed: a new one without a line here fails
# `test_every_writable_format_has_a_round_trip`.
FIDELITY = {
    "srt": Fidelity(),
    "vtt": Fidelity(keeps_align=False),  # no numpad position; top alignment becomes a line setting
    "ass": Fidelity(step_ms=10),  # centiseconds
    "ssa": Fidelity(step_ms=10),
    "microdvd": Fidelity(tags=("i",), keeps_align=False, fps=(23.976, 24000 / 1001, 24.0, 25.0, 29.97, 30000 / 1001,
                                                               60000 / 1001)),
    "mpl2": Fidelity(step_ms=100, tags=("i",), keeps_align=False),  # deciseconds, italic lines only
    "imsc": Fidelity(),  # read back through subpipe's TTML reader; ttconv's reader in test_imsc_...
}


@st.composite
def tracks(draw, fidelity=Fidelity()):
    """A track of cues on the format's time grid: whole frames for a frame-based format."""
    fps = draw(st.sampled_from(fidelity.fps)) if fidelity.fps else None
    to_ms = (lambda n: frames_to_ms(n, fps)) if fps else (lambda n: n * fidelity.step_ms)
    unit = 1000 / fps if fps else fidelity.step_ms
    n = draw(st.integers(min_value=1, max_value=12))
    cues, t = [], draw(st.integers(min_value=0, max_value=int(10_000 / unit)))
    for i in range(n):
        start = t + draw(st.integers(min_value=0, max_value=int(5_000 / unit)))
        end = start + draw(st.integers(min_value=1, max_value=max(1, int(7_000 / unit))))
        lines = draw(st.lists(styled_line(fidelity.tags), min_size=1, max_size=2))
        align = draw(st.sampled_from([None, 8, 7]))
        cues.append(Cue(start=to_ms(start), end=to_ms(end), text="\n".join(lines), position=i, align=align))
        t = end
    return Track(cues=cues, fps=fps)


def _round_trip(track: Track, fmt: str) -> Track:
    return parse_track(compose_track(track, fmt).encode("utf-8"), path=f"generated.{fmt}", format=fmt,
                       fps=track.fps)


def _kept(track: Track, fidelity: Fidelity) -> list[tuple]:
    return [(c.start, c.end, c.text) + ((c.align,) if fidelity.keeps_align else ()) for c in track.cues]


WRITABLE = sorted(fmt.id for fmt in map(get_format, format_ids()) if fmt.writable)


def test_every_writable_format_has_a_round_trip():
    assert sorted(FIDELITY) == WRITABLE


@pytest.mark.parametrize("fmt", WRITABLE)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_write_then_read_is_identity(fmt, data):
    fidelity = FIDELITY[fmt]
    track = data.draw(tracks(fidelity))
    back = _round_trip(track, fmt)
    assert _kept(back, fidelity) == _kept(track, fidelity)
    assert [f for f in back.findings if f.severity != "info"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(FIDELITY["microdvd"]))
def test_microdvd_read_back_at_its_declared_frame_rate_is_identity(track):
    """No --fps when reading back: the ``{1}{1}rate`` line the writer put first must carry the rate
    exactly (an NTSC 30000/1001 written to 10 digits moved cues by 1 ms)."""
    text = compose_track(track, "microdvd")
    back = parse_track(text.encode("utf-8"), path="generated.sub", format="microdvd")
    assert back.fps == track.fps
    assert [(c.start, c.end) for c in back.cues] == [(c.start, c.end) for c in track.cues]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(FIDELITY["vtt"]))
def test_vtt_top_alignment_survives_as_a_line_setting(track):
    back = _round_trip(track, "vtt")
    again = _round_trip(back, "vtt")
    assert [c.settings for c in again.cues] == [c.settings for c in back.cues]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(FIDELITY["imsc"]))
def test_imsc_write_then_read_is_identity(track):
    """Through subpipe's TTML reader and through ttconv's IMSC reader (`validate` compares)."""
    from subpipe.formats.imsc import validate

    text = compose_track(track, "imsc")
    back = parse_track(text.encode("utf-8"), path="generated.ttml")
    assert [(c.start, c.end, c.text, c.align) for c in back.cues] == \
           [(c.start, c.end, c.text, c.align) for c in track.cues]
    # Generated cues may last 1 ms, which IMSC's render model rightly cannot draw in time: the property
    # here is that nothing is lost, so only the HRM's findings are left aside.
    assert [f for f in validate(text, expected=track) if f.kind != "imsc-hrm"] == []


SEEDS = sorted(
    [p for p in (CORNER).rglob("*") if p.is_file() and p.stat().st_size < 20_000
     and p.suffix not in {".json", ".md", ".txt", ".tbx", ".nhml"} and "LICENSE" not in p.name][:60]
    + sorted(SAMPLES.rglob("*.vtt"))
    # EBU-STL (binary) and SCC from ttconv's tests: the shared corpus has none
    + sorted((Path(__file__).parent / "formats" / "data" / "ttconv").rglob("*.s[tc][lc]"))
) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", SEEDS[::3], ids=lambda p: p.name)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_bytes_raise_only_subpipe_error(path, data):
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if not raw:
            break
        i = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        if op == "flip":
            raw[i] = data.draw(st.integers(min_value=0, max_value=255))
        elif op == "insert":
            raw[i:i] = data.draw(st.sampled_from([b"-->", b"\n\n", b"\x00", b"{\\an8}", b"<i>", b"\xff\xfe",
                                                  b"99:99:99,999", b"WEBVTT", b"[Events]"]))
        elif op == "delete":
            del raw[i:i + data.draw(st.integers(min_value=1, max_value=40))]
        else:
            del raw[i:]
    try:
        parse_track(bytes(raw), path=str(path), fps=25)
    except SubpipeError:
        pass
