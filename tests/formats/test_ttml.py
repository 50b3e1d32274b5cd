"""TTML: pysubs2's examples (checked against pysubs2's own ASS conversion), GPAC's EBU-TT-D files
(valid and broken), Apple's iTunes lyrics; time expressions, styling and the errors a broken or
foreign document gives."""

from fractions import Fraction
from pathlib import Path

import pytest
from conftest import CORNER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subpipe.cues import Track
from subpipe.errors import SubpipeError
from subpipe.formats import compose_track, parse_track
from subpipe.formats.ass import ASS
from subpipe.formats.ttml import FORMAT, TimeBase

PYSUBS2 = CORNER / "pysubs2"
GPAC = CORNER / "gpac-ttml"
GPAC_MISC = CORNER / "gpac-misc"


def read(path: Path, **options) -> Track:
    return parse_track(path.read_bytes(), path=str(path), **options)


def found(track: Track, *kinds: str) -> list[tuple[str, int | None, int | None]]:
    return [(f.kind, f.line, f.position) for f in track.findings if not kinds or f.kind in kinds]


def times(track: Track) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in track.cues]


def doc(body: str, head: str = "", **root_attrs: str) -> str:
    attrs = "".join(f' {k.replace("_", ":")}="{v}"' for k, v in root_attrs.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling" '
            f'xmlns:ttp="http://www.w3.org/ns/ttml#parameter"{attrs}>\n'
            f"<head>{head}</head>\n<body><div>\n{body}\n</div></body></tt>\n")


# --- pysubs2's examples ----------------------------------------------------------------------------------

def test_example_matches_pysubs2s_ass_conversion():
    track = read(PYSUBS2 / "ttml_example.ttml")
    expected = read(PYSUBS2 / "ttml_example.ass")
    assert track.format == "ttml"
    assert times(track) == times(expected)
    assert [c.plain for c in track] == [c.plain for c in expected]
    # and our own ASS conversion reads back to the same times and words
    converted = ASS.parse(compose_track(track, "ass"), path="converted.ass")
    assert times(converted) == times(expected)
    assert [c.plain for c in converted] == [c.plain for c in expected]


def test_example_styling_and_positions():
    track = read(PYSUBS2 / "ttml_example.ttml")
    assert [c.identifier for c in track][:3] == ["subtitle1", "subtitle2", "subtitle3"]
    assert [c.line for c in track][:3] == [34, 37, 41]
    # s2 is yellow; s2Left and s1Right move the text left and right at the bottom
    assert track[2].text == '<font color="#ffff00">It is puzzling, why is it\nwe do not see things upside-down?</font>'
    assert [c.align for c in track][5:9] == [1, 3, 3, 3]
    assert found(track, "overlap") == [("overlap", 55, 6), ("overlap", 69, 10)]
    assert track.lang is None  # xml:lang=""


def test_example2_regions_and_language():
    track = read(PYSUBS2 / "ttml_example2.ttml")
    assert (len(track), track.lang) == (10, "en")
    assert [c.align for c in track][:4] == [8, None, 8, None]  # region "top" has displayAlign before
    assert times(track)[:2] == [(1375, 5750), (5916, 10216)]
    assert track[5].text == "- Did he tell you what it was about?\n- He did"


def test_apple_lyrics_have_absolute_times_and_word_timing():
    track = read(PYSUBS2 / "ttml_example_apple.ttml")
    assert len(track) == 38
    first = track[0]
    assert (first.start, first.end, first.line) == (19764, 21900, 24)  # not 39528: div offsets not added
    assert first.plain == "When you were here be fore"
    assert first.text.startswith("When <00:00:20.105>you were <00:00:20.326>here")
    assert track[8].start == 60998  # "1:00.998"
    assert found(track, "absolute-times", "nonstandard-time") == [("absolute-times", 1, None),
                                                                  ("nonstandard-time", None, None)]


# --- GPAC's EBU-TT-D files ----------------------------------------------------------------------------

def test_ebu_sample():
    track = read(GPAC / "ebu-ttd_sample.ttml")
    assert (len(track), track.lang) == (13, "de")
    assert times(track)[:3] == [(0, 1400), (2120, 3800), (22720, 25840)]
    # the text of each paragraph is its own timing: an easy check that nothing shifted
    assert all(c.text == f"{c.timecode().replace(',', '.').replace(' --> ', chr(10))}" for c in track)
    assert [c.line for c in track][:2] == [23, 24]
    assert all(c.align is None for c in track)
    assert found(track, "overlap", "duplicate-id") == []


def test_ebu_prefixed_elements_and_duplicate_ids():
    track = read(GPAC / "ebu-ttd_prefix.ttml")
    assert [(c.start, c.end, c.text, c.align) for c in track] == [(2000, 3000, "second text", 1),
                                                                 (3040, 4000, "second text", 1)]
    assert found(track, "duplicate-id") == [("duplicate-id", 25, 1)]


def test_paragraphs_timed_by_their_spans():
    track = read(GPAC / "ebu-ttd_sample_span.ttml")
    assert times(track) == [(0, 1400), (2120, 3800), (22720, 25840)]
    assert track[1].text == "00:00:02.120\n00:00:03.800"  # no inline timestamp: the span is the cue


def test_contiguous_and_overlapping_timing():
    contiguous = read(GPAC / "ebu-ttd_timing_contiguous.ttml")
    assert times(contiguous) == [(0, 1400), (1400, 2120), (2120, 3800), (3800, 25840)]
    assert found(contiguous, "overlap", "duplicate-id") == [("duplicate-id", 24, 1)]
    assert times(read(GPAC / "ebu-ttd_timing_non-contiguous.ttml"))[-1] == (26080, 29120)
    overlapping = read(GPAC / "ebu-ttd_timing_overlapping_fail.ttml")
    assert found(overlapping, "overlap") == [("overlap", 24, 1), ("overlap", 25, 2)]


def test_invalid_namespace_is_an_error_naming_file_and_line():
    with pytest.raises(SubpipeError, match="namespace 'http://www.w3.org/ns/invalidttml'") as err:
        read(GPAC / "ebu-ttd_sample_invalid_ns.ttml")
    assert (Path(err.value.path).name, err.value.line) == ("ebu-ttd_sample_invalid_ns.ttml", 2)


def test_invalid_root_is_an_error_even_though_only_the_extension_says_ttml():
    with pytest.raises(SubpipeError, match=r"root element is <ttxxx>, not <tt>") as err:
        read(GPAC / "ebu-ttd_sample_invalid_root.ttml")
    assert err.value.line == 2


def test_mixed_namespaces_read_with_the_foreign_paragraphs_dropped_as_errors():
    track = read(GPAC / "ebu-ttd_sample_invalid_mixed_namespaces.ttml")
    assert track.cues == []
    assert [(f.kind, f.line, f.position, f.severity) for f in track.dropped()] == [
        ("foreign-element", 23, 0, "error"), ("foreign-element", 24, 1, "error")]
    with pytest.raises(SubpipeError, match=r":23: \[foreign-element\]"):
        read(GPAC / "ebu-ttd_sample_invalid_mixed_namespaces.ttml", strict=True)


def test_gpac_files_that_are_not_ttml():
    with pytest.raises(SubpipeError) as err:
        read(GPAC / "ttml.nhml")
    assert err.value.code == "unknown-format"
    # GPAC's 3GPP timed text: no format of ours claims it ...
    with pytest.raises(SubpipeError) as err:
        read(GPAC_MISC / "subtitle.ttxt")
    assert (err.value.code, Path(err.value.path).name) == ("unknown-format", "subtitle.ttxt")
    # ... and forced through the TTML reader it is refused for its root
    with pytest.raises(SubpipeError, match=r"subtitle.ttxt:3: root element is <TextStream>"):
        read(GPAC_MISC / "subtitle.ttxt", format="ttml")


# --- time expressions and styling ----------------------------------------------------------------------

@pytest.mark.parametrize("expr, timebase, ms", [
    ("00:00:01.375", TimeBase(), 1375),
    ("01:02:03", TimeBase(), 3_723_000),
    ("00:00:01:12", TimeBase(Fraction(25)), 1480),
    ("00:00:01:12.1", TimeBase(Fraction(25), sub_frame_rate=2), 1500),
    ("48f", TimeBase(Fraction(24)), 2000),
    ("2.5s", TimeBase(), 2500),
    ("1.5m", TimeBase(), 90_000),
    ("250ms", TimeBase(), 250),
    ("15000000t", TimeBase(tick_rate=Fraction(10_000_000)), 1500),
])
def test_time_expressions(expr, timebase, ms):
    assert timebase.to_ms(expr) == (ms, False)


def test_frame_rate_multiplier_and_ticks_from_the_document():
    ntsc = doc('<p begin="00:00:01:00" end="30f">x</p>', ttp_frameRate="30", ttp_frameRateMultiplier="1000 1001")
    # a clock time's seconds are seconds; 30 frames at 29.97 fps are 1001 ms
    assert times(FORMAT.parse(ntsc, path="x.ttml")) == [(1000, 1001)]
    ticks = doc('<p begin="10000000t" dur="5000000t">x</p>', ttp_tickRate="10000000")
    assert times(FORMAT.parse(ticks, path="x.ttml")) == [(1000, 1500)]


def test_styles_become_markup():
    head = ('<styling><style xml:id="it" tts:fontStyle="italic"/>'
            '<style xml:id="strong" style="it" tts:fontWeight="bold"/></styling>')
    body = ('<p begin="1s" end="2s" style="it">Look <span tts:fontWeight="bold">out</span><br/>'
            '<span tts:textDecoration="underline">now</span></p>\n'
            '<p begin="2s" end="3s" style="strong">Both</p>\n'
            '<p begin="3s" end="4s"><span tts:color="#00FF00">green</span> &amp; <span tts:color="red">red</span></p>')
    track = FORMAT.parse(doc(body, head), path="x.ttml")
    assert [c.text for c in track] == [
        "<i>Look <b>out</b>\n<u>now</u></i>", "<i><b>Both</b></i>",
        '<font color="#00ff00">green</font> &amp; <font color="#ff0000">red</font>']


def test_nested_divs_add_their_begin_and_clip_to_their_end():
    text = doc('<div begin="10s" end="12s"><p begin="1s" end="5s">late</p><p>whole</p></div>')
    assert times(FORMAT.parse(text, path="x.ttml")) == [(11000, 12000), (10000, 12000)]


def test_unresolvable_times_are_reported():
    text = doc('<p begin="1s" end="soon">bad</p>\n<p begin="2s">open</p>\n<p>never</p>\n<p begin="5s" end="6s">ok</p>')
    track = FORMAT.parse(text, path="x.ttml")
    assert [(c.position, c.start, c.end) for c in track] == [(1, 2000, 5000), (3, 5000, 6000)]
    assert found(track, "bad-timing", "open-end", "untimed-paragraph") == [
        ("bad-timing", 5, 0), ("untimed-paragraph", 7, 2), ("open-end", 6, 1)]
    assert [f.position for f in track.dropped()] == [0, 2]


def test_broken_and_hostile_xml():
    with pytest.raises(SubpipeError, match="not well-formed XML") as err:
        FORMAT.parse(doc('<p begin="1s" end="2s">x</span>'), path="broken.ttml")
    assert err.value.line == 5
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE tt [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s" end="1s">&b;</p></div></body></tt>')
    with pytest.raises(SubpipeError, match="refused for safety") as err:
        FORMAT.parse(bomb, path="bomb.ttml")
    assert (err.value.code, err.value.line) == ("xml-unsafe", 2)  # not "input": its hint says what to remove


def test_ttml_is_read_only():
    assert not FORMAT.writable
    with pytest.raises(SubpipeError, match="does not write"):
        compose_track(read(PYSUBS2 / "ttml_example.ttml"), "ttml")


def test_sniff_claims_tt_roots_only():
    assert FORMAT.sniff('\ufeff<?xml version="1.0"?>\n<!-- made by hand -->\n<tt:tt xmlns:tt="x">')
    for other in ("1\n00:00:01,000 --> 00:00:02,000\nHi\n", "WEBVTT\n", "<SAMI><BODY>", "<ttxxx>", "[Script Info]"):
        assert not FORMAT.sniff(other)


FUZZ_SOURCES = [PYSUBS2 / "ttml_example.ttml", PYSUBS2 / "ttml_example2.ttml", GPAC / "ebu-ttd_prefix.ttml",
                GPAC / "ebu-ttd_sample_span.ttml"]


@given(st.sampled_from(FUZZ_SOURCES), st.data())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_files_raise_only_subpipe_errors(path, data):
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at + data.draw(st.integers(0, 4))] = data.draw(
            st.one_of(st.binary(max_size=6), st.sampled_from([b"<", b">", b"&", b'"', b"s", b":", b"</p>", b"<br/>"])))
    try:
        parse_track(bytes(raw), path=path.name, format="ttml")
    except SubpipeError:
        pass
