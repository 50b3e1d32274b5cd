"""The WebVTT reader and writer, on the spec's rules and on real files of the corpus.

Real files go through `parse_track` (decode, detection by content, reader) as the pipeline reads them.
The vtt.js conformance suite lives in test_vtt_conformance.py.
"""

import re
from collections import Counter

import pytest
from conftest import CORNER, FILMS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subpipe.cues import Cue, Track, escape_text
from subpipe.encoding import decode
from subpipe.errors import SubpipeError
from subpipe.formats import get_format, parse_track
from subpipe.formats.vtt import FORMAT, compose, cue_settings, cue_text, parse, parse_settings, sniff

GPAC = CORNER / "gpac-webvtt"
WEBVTT_PY = CORNER / "webvtt-py"
MEDIA3 = CORNER / "media3" / "webvtt"

# Finding kinds this reader emits (decode adds its own, such as "bom"; those are not asserted here).
VTT_KINDS = {"bad-timing", "end-before-start", "empty-cue", "bad-setting", "legacy-setting", "bad-region",
             "overlap", "unsorted", "header-not-separated", "stray-text", "missing-blank-line",
             "ignored-block", "comment-in-cue", "whitespace-line", "note-read-as-cue", "nul-replaced"}


def vtt(body: str) -> Track:
    return parse("WEBVTT\n\n" + body, path="t.vtt")


def kinds(track: Track) -> set[str]:
    return {f.kind for f in track.findings if f.kind in VTT_KINDS}


def read(path, **kw) -> Track:
    return parse_track(path.read_bytes(), path=str(path), **kw)


def arrow_lines(text: str) -> int:
    """Cue blocks by the spec: every line with "-->" after the signature line starts exactly one."""
    return sum("-->" in line for line in text.split("\n")[1:])


def assert_accounted(track: Track, text: str) -> None:
    assert arrow_lines(text) == len(track.cues) + len(track.dropped())
    positions = sorted([c.position for c in track.cues] + [f.position for f in track.dropped()])
    assert positions == list(range(len(positions)))


# --- the format object -------------------------------------------------------------------------------


def test_format_object_is_registered():
    assert (FORMAT.id, FORMAT.name, FORMAT.extensions, FORMAT.writable) == ("vtt", "WebVTT", (".vtt",), True)
    assert get_format("vtt") is FORMAT
    assert get_format(".vtt") is FORMAT


@pytest.mark.parametrize("text, expected", [
    ("WEBVTT\n", True),
    ("\ufeff  \nWEBVTT - title\n", True),
    ("WEBvtt\n", True),  # detected, so that parse can say what is wrong with it
    ("1\n00:00:01,000 --> 00:00:02,000\nHello\n", False),
    ("[Script Info]\n", False),
    ("", False),
])
def test_sniff(text, expected):
    assert sniff(text) is expected


# --- signature and header ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["WEBVTT", "WEBVTT\n", "WEBVTT \n", "WEBVTT\t- x\n", "\ufeffWEBVTT\n\n"])
def test_valid_signatures(text):
    assert parse(text).cues == []


@pytest.mark.parametrize("text, found", [
    ("", "an empty file"),
    ("\n\n", "an empty file"),
    ("\nWEBVTT\n", "an empty first line"),
    ("WEBVTTX\n", "'WEBVTTX'"),
    ("webvtt\n", "'webvtt'"),
    (" WEBVTT\n", "' WEBVTT'"),
    ("\tWEBVTT\n", "'\\tWEBVTT'"),
    ("1\n00:00:01,000 --> 00:00:02,000\nHi\n", "'1'"),
])
def test_missing_signature_is_an_error_at_line_1(text, found):
    with pytest.raises(SubpipeError) as err:
        parse(text, path="bad.vtt")
    assert (err.value.path, err.value.line) == ("bad.vtt", 1)
    assert "missing WEBVTT signature" in err.value.message and found in err.value.message


def test_header_text_is_kept_for_the_rewrite():
    track = parse("WEBVTT - Title\nKind: captions\nX-TIMESTAMP-MAP=LOCAL:00:00.000,MPEGTS:900000\n\n"
                  "00:01.000 --> 00:02.000\nHi\n")
    assert track.meta["header"] == " - Title\nKind: captions\nX-TIMESTAMP-MAP=LOCAL:00:00.000,MPEGTS:900000"
    assert track.meta["x_timestamp_map"] == "LOCAL:00:00.000,MPEGTS:900000"
    assert compose(track).startswith("WEBVTT - Title\nKind: captions\nX-TIMESTAMP-MAP=")


def test_a_timing_line_right_under_the_header_is_a_cue():
    track = parse("WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\nHi\n")
    assert [(c.start, c.text) for c in track.cues] == [(1000, "Hi")]
    assert track.meta["header"] == "\nKind: captions"
    [finding] = track.findings
    assert (finding.kind, finding.line) == ("header-not-separated", 3)


# --- timestamps --------------------------------------------------------------------------------------


@pytest.mark.parametrize("timing, start, end", [
    ("00:01.000 --> 00:02.000", 1000, 2000),
    ("01:02:03.004 --> 01:02:03.005", 3723004, 3723005),
    ("1:02:03.004 --> 100:00:00.000", 3723004, 360000000),  # the parser takes hours of any length
    ("12345:00:24.000 --> 12345:00:25.000", 44442024000, 44442025000),
    ("00:00:25.000\t-->\t00:00:27.000", 25000, 27000),
    ("00:00:25.000-->00:00:27.000", 25000, 27000),
    ("   00:00:25.000 \t --> \t 00:00:27.000   ", 25000, 27000),
    ("00:01.000 --> 00:02.000line:40%", 1000, 2000),  # settings may follow the end time directly
])
def test_valid_timings(timing, start, end):
    [cue] = vtt(timing + "\ntext\n").cues
    assert (cue.start, cue.end) == (start, end)


@pytest.mark.parametrize("timing, reason", [
    ("00:00.00 --> 00:02.000", "exactly 3 digits"),
    ("00:00.0000 --> 00:02.000", "exactly 3 digits"),
    ("00.00.000 --> 00:02.000", "expected ':'"),
    ("00:000.000 --> 00:02.000", "exactly 2 digits"),
    ("000:00.000 --> 00:02.000", "can only be hours"),
    ("120:00.000 --> 120:10.000", "can only be hours"),
    ("0:00.000 --> 00:02.000", "can only be hours"),
    ("00:60.000 --> 01:02.000", "below 60"),
    ("00:00:60.000 --> 00:01:02.000", "below 60"),
    ("00:01.000 ---> 00:02.000", "separated by '-->'"),
    ("00:01.000 --> -00:02.000", "end time"),
    ("00:00:07.000 --> 00:00:1d.890", "end time"),
    ("\uff10\uff10:\uff10\uff11.\uff10\uff10\uff10 --> 00:02.000", "start with a digit"),  # full-width digits
    ("00:00 --> 00:01.234", "expected '.'"),
    ("99999999999:00:00.000 --> 00:01.000", "too large"),
])
def test_a_timing_line_that_does_not_parse_drops_its_cue(timing, reason):
    track = vtt("00:00.000 --> 00:00.500\nfirst\n\nid\n" + timing + "\ndropped text\n\n00:03.000 --> 00:04.000\nlast\n")
    assert [(c.position, c.text) for c in track.cues] == [(0, "first"), (2, "last")]
    [dropped] = track.dropped()
    assert (dropped.kind, dropped.position, dropped.line) == ("bad-timing", 1, 7)
    assert reason in dropped.message and repr(timing) in dropped.message


def test_a_line_without_an_arrow_is_not_a_cue_block():
    track = vtt("00:01.000 -> 00:02.000\nText\n\n00:03.000 --> 00:04.000\nok\n")
    assert [(c.position, c.text) for c in track.cues] == [(0, "ok")]
    assert track.dropped() == [] and kinds(track) == {"stray-text"}


def test_end_before_start_is_kept_and_reported():
    track = vtt("00:01.000 --> 00:00.500\nbackwards\n")
    assert [(c.start, c.end) for c in track.cues] == [(1000, 500)]
    [finding] = track.findings
    assert (finding.kind, finding.position, finding.line) == ("end-before-start", 0, 3)


# --- cue blocks --------------------------------------------------------------------------------------


def test_identifier_text_voice_and_markup_are_kept_verbatim():
    [cue] = vtt("intro\n00:01.000 --> 00:02.000\n<v.loud Mary>No <i>way</i> &amp; &lt;3</v>\n- Yes<00:01.500>!\n").cues
    assert cue.identifier == "intro"
    assert cue.text == "<v.loud Mary>No <i>way</i> &amp; &lt;3</v>\n- Yes<00:01.500>!"
    assert cue.speaker == "Mary"
    assert cue.plain == "No way & <3\n- Yes!"
    assert cue.line == 3


def test_a_timing_line_inside_cue_text_starts_a_new_cue():
    # vtt.js cue-spacing: the spec reads four cues here, the third one empty.
    track = vtt("00:00.000 --> 00:02.000\nText\n00:02.000 --> 00:04.000\nText\n\n"
                "00:06.000 --> 00:08.000\n00:06.000 --> 00:08.000\nText\n")
    assert [(c.start, c.text) for c in track.cues] == [(0, "Text"), (2000, "Text"), (6000, ""), (6000, "Text")]
    assert [c.position for c in track.cues] == [0, 1, 2, 3]
    assert Counter(f.kind for f in track.findings) == Counter(
        {"missing-blank-line": 2, "empty-cue": 1, "overlap": 1})


def test_only_the_line_right_above_the_timing_is_the_identifier():
    track = vtt("first line\nsecond line\n00:01.000 --> 00:02.000\nHi\n")
    [cue] = track.cues
    assert cue.identifier == ""
    [finding] = track.findings
    assert (finding.kind, finding.line) == ("stray-text", 3)
    assert "directly above the cue timing line 5" in finding.message


def test_empty_cue_and_whitespace_lines_are_kept():
    track = vtt("00:01.000 --> 00:02.000\n\n00:02.000 --> 00:03.000\n   \n\t\n")
    assert [c.text for c in track.cues] == ["", "   \n\t"]
    assert kinds(track) == {"empty-cue", "whitespace-line"}


def test_note_blocks_are_counted_and_a_note_in_cue_text_is_reported():
    track = vtt("NOTE a\ncomment\n\n00:01.000 --> 00:02.000\nHi\nNOTE not a comment\n\nNOTE\tend\n")
    assert track.meta["note_count"] == 2
    assert track.cues[0].text == "Hi\nNOTE not a comment"
    assert kinds(track) == {"comment-in-cue"}


def test_a_note_line_right_above_a_timing_line_is_a_cue_identifier():
    [cue] = vtt("NOTE\n00:01.000 --> 00:02.000\nHi\n").cues
    assert cue.identifier == "NOTE"


def test_style_and_region_blocks_before_the_cues_are_kept_verbatim():
    track = vtt("STYLE\n::cue(.red) { color: red }\n\nREGION\nid:fred width:40% lines:3\n\n"
                "00:01.000 --> 00:02.000 region:fred align:left\n<c.red>Hi</c>\n\n"
                "STYLE\n::cue { color: blue }\n\n"
                "00:03.000 --> 00:04.000 region:bob\nHo\n")
    assert track.meta["style_blocks"] == ["STYLE\n::cue(.red) { color: red }"]
    assert track.meta["region_blocks"] == ["REGION\nid:fred width:40% lines:3"]
    assert [c.settings for c in track.cues] == [{"region": "fred", "align": "left"}, {}]
    assert [(f.kind, f.line) for f in track.findings] == [("ignored-block", 12), ("bad-setting", 15)]


@pytest.mark.parametrize("settings, kept, dropped", [
    ("vertical:rl line:-1 position:10%,line-left size:80.5% align:end",
     {"vertical": "rl", "line": "-1", "position": "10%,line-left", "size": "80.5%", "align": "end"}, 0),
    ("line:0 line:50%,center", {"line": "50%,center"}, 0),
    ("line:1.5 line:-.5 line:1. line:--1 line:5%% line:10,middle", {"line": "1.5"}, 5),
    ("position:60%,end position:10 size:101% size:-1%", {}, 4),
    ("align:middle", {"align": "center"}, 0),
    ("vertical:up align:justify foo:bar :x x: novalue", {}, 6),
    ("region:nowhere", {}, 1),
])
def test_cue_settings_follow_the_spec(settings, kept, dropped):
    got, problems = parse_settings(settings)
    assert got == kept
    assert sum(not fixed for _, fixed in problems) == dropped


def test_positions_count_every_cue_block_and_findings_locate_them():
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nbad\n00:0x.000 --> 00:03.000\nb\n\n"
            "00:04.000 --> 00:05.000\nc\n\n00:03.000 --> 00:04.500\nd\n")
    track = parse(text, path="p.vtt")
    assert [(c.position, c.text, c.line) for c in track.cues] == [(0, "a", 3), (2, "c", 10), (3, "d", 13)]
    assert_accounted(track, text)
    unsorted = [f for f in track.findings if f.kind == "unsorted"]
    overlap = [f for f in track.findings if f.kind == "overlap"]
    assert [(f.position, f.line, f.start_ms) for f in unsorted] == [(3, 13, 3000)]
    assert [(f.position, f.severity) for f in overlap] == [(3, "info")]
    assert all(f.path == "p.vtt" for f in track.findings)


def test_nul_and_carriage_returns_when_given_text_directly():
    track = parse("\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\rA\0B\r\n")
    assert [c.text for c in track.cues] == ["A\ufffdB"]
    assert kinds(track) == {"nul-replaced"}


# --- writing -----------------------------------------------------------------------------------------


def test_compose_writes_ids_full_timestamps_settings_and_text():
    track = Track(cues=[Cue(1000, 2500, "<i>Hi</i>", identifier="1", settings={"align": "start"}),
                        Cue(3723004, 3724000, "")],
                  meta={"header": "\nKind: captions", "style_blocks": ["::cue { color: red }"]})
    assert compose(track) == (
        "WEBVTT\nKind: captions\n\nSTYLE\n::cue { color: red }\n\n"
        "1\n00:00:01.000 --> 00:00:02.500 align:start\n<i>Hi</i>\n\n"
        "01:02:03.004 --> 01:02:04.000\n")


@pytest.mark.parametrize("an, settings", [
    (1, {"align": "start"}), (2, {}), (3, {"align": "end"}),
    (4, {"line": "50%,center", "align": "start"}), (5, {"line": "50%,center"}),
    (6, {"line": "50%,center", "align": "end"}),
    (7, {"line": "0", "align": "start"}), (8, {"line": "0"}), (9, {"line": "0", "align": "end"}),
])
def test_numpad_positions_become_cue_settings(an, settings):
    cue = Cue(0, 1000, "Hi", align=an)
    assert cue_settings(cue) == settings
    [back] = parse(compose(Track(cues=[cue]))).cues
    assert back.settings == settings


def test_markup_from_other_formats_is_made_webvtt():
    srt = Cue(0, 1000, '<font color="#ff0000" face="Arial">Red</font> and <b>bold</b>')
    ass = Cue(0, 1000, "{\\fad(200,200)}Hello{\\pos(10,20)} there", speaker="Kim", align=8)
    voiced = Cue(0, 1000, "<v Ann>Hi</v>", speaker="Someone else")
    assert cue_text(srt) == "Red and <b>bold</b>"
    assert cue_text(ass) == "<v Kim>Hello there</v>"
    assert cue_text(voiced) == "<v Ann>Hi</v>"
    [back] = parse(compose(Track(cues=[ass]))).cues
    assert (back.text, back.speaker, back.settings) == ("<v Kim>Hello there</v>", "Kim", {"line": "0"})


def test_text_that_would_break_the_cue_is_made_safe():
    cue = Cue(0, 1000, "first\n\nsecond -->\r\nthird <c.x-->y</c>", identifier="a\nb --> c")
    back = parse(compose(Track(cues=[cue])))
    [got] = back.cues
    assert got.text == "first\nsecond --&gt;\nthird <c.x-- >y</c>"
    assert got.plain == "first\nsecond -->\nthird y"
    assert got.identifier == "a b -> c"
    assert back.findings == []


def test_ass_comment_events_are_not_written():
    track = Track(cues=[Cue(0, 1000, "shown"), Cue(0, 1000, "note to self", comment=True)])
    assert [c.text for c in parse(compose(track)).cues] == ["shown"]


# --- real files --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, count, emo, first_start, highlighted", [
    ("en", 89, 30, 15000, "head-snarlers"), ("de", 77, 29, 15042, "Enthaupter")])
def test_elephants_dream(lang, count, emo, first_start, highlighted):
    track = read(FILMS / "elephants-dream" / f"elephants-dream-subtitles-{lang}.vtt")
    assert track.format == "vtt" and len(track) == count and track.dropped() == []
    assert [c.identifier for c in track.cues] == [str(n) for n in range(1, count + 1)]
    assert [c.position for c in track.cues] == list(range(count))
    speakers = Counter(c.speaker for c in track.cues)
    assert speakers["Proog"] == 48 and speakers["Emo"] == emo
    assert track.cues[0].text.startswith("<v Proog>") and track.cues[0].start == first_start
    assert f"<c.highlight>{highlighted}</c>" in track.cues[2].text
    assert highlighted in track.cues[2].plain and "<" not in track.cues[2].plain
    assert [c.settings for c in track.cues[:6]] == [
        {"align": "start"}, {"align": "center"}, {}, {"align": "end"}, {}, {"line": "6%"}]
    assert [(f.kind, f.position) for f in track.findings if f.kind in VTT_KINDS] == [
        ("legacy-setting", 1), ("bad-setting", 5)]
    assert "size:110%" in next(f.message for f in track.findings if f.kind == "bad-setting")
    again = parse(compose(track))
    assert [(c.start, c.end, c.text, c.identifier, c.settings) for c in again.cues] == [
        (c.start, c.end, c.text, c.identifier, c.settings) for c in track.cues]


def test_tears_of_steel_share_the_timing_of_english():
    english = read(FILMS / "tears-of-steel" / "TOS-en.vtt")
    expected_shifts = {"TOS-de.vtt": [], "TOS-es.vtt": [8], "TOS-fr-Goofy.vtt": [8], "TOS-it.vtt": [8],
                       "TOS-nl.vtt": [7, 8]}
    for name, shifted in expected_shifts.items():
        track = read(FILMS / "tears-of-steel" / name)
        assert len(track) == 76 and kinds(track) == set(), name
        moved = [c.position for c, e in zip(track.cues, english.cues) if (c.start, c.end) != (e.start, e.end)]
        assert moved == shifted, name


# (cues, dropped, reader finding kinds) for every gpac WebVTT test file.
GPAC_EXPECTED = {
    "comments.vtt": (13, 0, {"comment-in-cue", "missing-blank-line", "overlap"}),
    "concatenation.vtt": (12, 0, {"stray-text"}),
    "elephants-dream-chapters-en.vtt": (7, 0, set()),
    "empty.vtt": (0, 0, set()),
    "empty2.vtt": (0, 0, set()),
    "empty3.vtt": (0, 0, set()),
    "empty4.vtt": (0, 0, set()),
    "header.vtt": (13, 0, {"overlap"}),
    "invalid1.vtt": (1, 0, {"header-not-separated"}),
    "invalid2.vtt": (0, 0, set()),
    "invalid3.vtt": (1, 0, {"header-not-separated"}),
    "invalid4.vtt": (1, 0, {"stray-text"}),
    "invalid5.vtt": (2, 0, {"stray-text"}),
    "multiline-header-additional.vtt": (6, 0, {"stray-text", "overlap"}),
    "multiline-header-id-invalid.vtt": (6, 0, {"stray-text", "overlap"}),
    "multiline-header-id.vtt": (6, 0, {"overlap"}),
    "multiline-header.vtt": (6, 0, {"overlap"}),
    "overlapping-end.vtt": (4, 0, {"overlap"}),
    "overlapping-middle.vtt": (4, 0, {"overlap"}),
    "overlapping-rewritten.vtt": (20, 0, {"overlap"}),
    "overlapping-start.vtt": (4, 0, {"overlap"}),
    "overlapping.vtt": (6, 0, {"overlap"}),
    "simple.vtt": (10, 0, set()),
    "spaces.vtt": (8, 0, {"whitespace-line"}),
    "spec-example-basic.vtt": (13, 0, {"overlap"}),
    "spec-example-comment.vtt": (2, 0, set()),
    "spec-example-comment2.vtt": (2, 0, set()),
    "spec-example-identifier.vtt": (2, 0, set()),
    "spec-example-multiple-lines.vtt": (3, 0, set()),
    "spec-example-nested.vtt": (6, 0, {"overlap"}),
    "spec-example-voice.vtt": (4, 0, set()),
    "timestamps-invalid.vtt": (3, 0, {"end-before-start"}),
    "timestamps.vtt": (2, 4, {"bad-timing", "overlap"}),
}


def test_every_gpac_file_is_listed():
    assert sorted(p.name for p in GPAC.glob("*.vtt")) == sorted(GPAC_EXPECTED)


@pytest.mark.parametrize("name", sorted(GPAC_EXPECTED))
def test_gpac_file(name):
    path = GPAC / name
    track = read(path)
    cues, dropped, expected_kinds = GPAC_EXPECTED[name]
    assert (track.format, len(track), len(track.dropped()), kinds(track)) == ("vtt", cues, dropped, expected_kinds)
    assert_accounted(track, decode(path.read_bytes()).text)


def test_gpac_details():
    comments = read(GPAC / "comments.vtt")
    assert comments.meta["header"] == " - Example with comments" and comments.meta["note_count"] == 2
    assert comments.cues[0].text.endswith("\nNOTE comment just after a cue")
    assert comments.cues[2].identifier == ""  # "some id" belongs to the NOTE block above it
    assert read(GPAC / "header.vtt").meta["header"] == "\nThis is a header\nwith an empty line"
    assert read(GPAC / "multiline-header-id.vtt").cues[0].identifier == "This is the cue id"
    assert read(GPAC / "multiline-header-id-invalid.vtt").cues[0].identifier == ""
    stray = [f for f in read(GPAC / "concatenation.vtt").findings if f.kind == "stray-text"]
    assert [f.line for f in stray] == [27] and "second WEBVTT" in stray[0].message

    timestamps = read(GPAC / "timestamps.vtt")
    assert [(c.position, c.start, c.end) for c in timestamps.cues] == [
        (0, 0, 12345 * 3600000 + 24000), (5, 180000, 300000)]
    assert [(f.position, f.line) for f in timestamps.dropped()] == [(1, 6), (2, 9), (3, 12), (4, 15)]

    invalid = read(GPAC / "timestamps-invalid.vtt")
    assert [(c.start, c.end) for c in invalid.cues] == [(0, 300), (1000, 500), (2000, 3000)]

    spaces = read(GPAC / "spaces.vtt")
    assert [c.text for c in spaces.cues[5:]] == ["next cues contains only spaces and tabs", "     ", "\t\t\t"]
    assert spaces.cues[0].text == "This cue has trailing spaces      "

    simple = read(GPAC / "simple.vtt")
    assert simple.cues[5].text == "<v Jean>What is it for?<v Cyril>I don't care..."
    assert simple.cues[5].speaker == "Jean"
    assert simple.cues[8].text == "<lang fr>En français</lang>"
    assert [c.speaker for c in read(GPAC / "spec-example-voice.vtt").cues] == ["Esme", "Mary", "Esme", "Mary"]


# (cues, dropped, reader finding kinds), or the error line for files the reader refuses.
WEBVTT_PY_EXPECTED = {
    "captions_with_bom.vtt": (4, 0, set()),
    "comments.vtt": (3, 0, set()),
    "cue_tags.vtt": (3, 0, set()),
    "empty.vtt": "empty",
    "invalid.vtt": 1,
    "invalid_timeframe.vtt": (6, 1, {"bad-timing"}),
    "invalid_timeframe_in_cue_text.vtt": (4, 0, {"empty-cue", "missing-blank-line", "overlap"}),
    "metadata_headers.vtt": (2, 0, set()),
    "metadata_headers_multiline.vtt": (2, 0, set()),
    "missing_caption_text.vtt": (5, 0, {"empty-cue"}),
    "missing_timeframe.vtt": (6, 0, {"stray-text"}),
    "no_captions.vtt": (0, 0, set()),
    "one_caption.vtt": (1, 0, set()),
    "sample.vtt": (16, 0, set()),
    "styles.vtt": (1, 0, set()),
    "using_identifiers.vtt": (6, 0, set()),
    "youtube_dl.vtt": (4, 0, {"missing-blank-line"}),
}

# (cues, dropped, reader finding kinds), or the error line; these files have no extension.
MEDIA3_EXPECTED = {
    "empty": "empty",
    "typical": (2, 0, set()),
    "typical_with_bad_timestamps": (0, 6, {"bad-timing"}),
    "typical_with_comments": (2, 0, set()),
    "typical_with_identifiers": (2, 0, set()),
    "with_bad_cue_header": (2, 1, {"bad-timing"}),
    "with_bom": (2, 0, set()),
    "with_consecutive_cues": (2, 0, set()),
    "with_css_complex_selectors": (5, 0, set()),
    "with_css_styles": (4, 0, set()),
    "with_css_text_combine_upright": (2, 0, set()),
    "with_font_size": (6, 0, set()),
    "with_overlapping_timestamps": (4, 0, {"overlap"}),
    "with_positioning": (8, 0, {"bad-setting", "legacy-setting"}),
    "with_rubies": (4, 0, set()),
    "with_tags": (4, 0, set()),
    "with_vertical": (3, 0, set()),
    "with_wide_unicode_chars_and_cr_endings": (1, 0, set()),
    "with_x-timestamp-map_header": (2, 0, set()),
}


def test_every_webvtt_py_and_media3_file_is_listed():
    assert sorted(p.name for p in WEBVTT_PY.glob("*.vtt")) == sorted(WEBVTT_PY_EXPECTED)
    assert sorted(p.name for p in MEDIA3.iterdir()) == sorted(MEDIA3_EXPECTED)


def _check_expected(path, expected, **kw):
    if expected == "empty":  # nothing but whitespace: an empty track that says so, in any format
        track = read(path, **kw)
        assert (track.cues, [f.kind for f in track.findings]) == ([], ["empty-file"])
        return track
    if isinstance(expected, int):
        with pytest.raises(SubpipeError) as err:
            read(path, **kw)
        assert (err.value.path, err.value.line) == (str(path), expected)
        return None
    track = read(path, **kw)
    cues, dropped, expected_kinds = expected
    assert (track.format, len(track), len(track.dropped()), kinds(track)) == ("vtt", cues, dropped, expected_kinds)
    assert_accounted(track, decode(path.read_bytes()).text)
    return track


@pytest.mark.parametrize("name", sorted(WEBVTT_PY_EXPECTED))
def test_webvtt_py_file(name):
    # format="vtt": a .vtt without signature must be refused by this reader, whatever detection makes of it.
    _check_expected(WEBVTT_PY / name, WEBVTT_PY_EXPECTED[name], format="vtt")


@pytest.mark.parametrize("name", sorted(MEDIA3_EXPECTED))
def test_media3_file_is_detected_by_content(name):
    _check_expected(MEDIA3 / name, MEDIA3_EXPECTED[name])


def test_webvtt_py_and_media3_details():
    ids = [c.identifier for c in read(WEBVTT_PY / "using_identifiers.vtt").cues]
    assert ids == ["", "second caption", "", "4", "", ""]
    youtube = read(WEBVTT_PY / "youtube_dl.vtt")
    assert youtube.meta["header"].startswith("\nKind: captions\nLanguage: en\nStyle:")
    assert youtube.cues[0].settings == {"align": "start", "position": "0%"}
    assert youtube.cues[1].text == "yeah\n<c.colorCCCCCC>what</c>"
    assert len(read(WEBVTT_PY / "styles.vtt").meta["style_blocks"]) == 2

    assert read(MEDIA3 / "typical_with_comments").meta["note_count"] == 4
    styles = read(MEDIA3 / "with_css_styles")
    assert len(styles.meta["style_blocks"]) == 4 and styles.meta["style_blocks"][1].startswith("STYLE\n::cue(#id2)")
    assert [c.identifier for c in styles.cues] == ["id1", "id2", "", ""]
    assert [c.settings.get("vertical") for c in read(MEDIA3 / "with_vertical").cues] == ["rl", "lr", None]
    tags = read(MEDIA3 / "with_tags").cues
    assert tags[3].text == "This is the &lt;fourth&gt; &amp;subtitle."
    assert tags[3].plain == "This is the <fourth> &subtitle."
    assert read(MEDIA3 / "with_wide_unicode_chars_and_cr_endings").cues[0].text == "\U0001f61b\n\U0001f61b"
    mapped = read(MEDIA3 / "with_x-timestamp-map_header")
    assert mapped.meta["x_timestamp_map"] == "LOCAL:1:11:16.443,MPEGTS:384879885"
    assert mapped.cues[0].start == ((266 * 60 + 18) * 60 + 35) * 1000 + 679
    positioning = read(MEDIA3 / "with_positioning")
    assert [c.settings for c in positioning.cues[:3]] == [
        {"align": "start", "size": "35%"}, {"align": "end"}, {"line": "45%,end", "align": "center"}]


REAL_FILES = sorted([*GPAC.glob("*.vtt"), *(FILMS / "elephants-dream").glob("*.vtt"),
                     *(FILMS / "tears-of-steel").glob("*.vtt"), *(FILMS / "sintel").glob("*.vtt"),
                     *WEBVTT_PY.glob("*.vtt"), *MEDIA3.iterdir()])


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rewrite_of_real_files_reads_back_the_same(path):
    try:
        track = read(path, format="vtt")
    except SubpipeError:
        return
    again = parse_track(compose(track).encode("utf-8"), path="again.vtt")
    assert [(c.start, c.end, c.text, c.identifier, c.settings) for c in again.cues] == [
        (c.start, c.end, c.text, c.identifier, c.settings) for c in track.cues]
    if track.cues or track.meta:  # an empty file has no header to keep
        for key in ("header", "style_blocks", "region_blocks"):
            assert again.meta[key] == track.meta[key]


# --- properties --------------------------------------------------------------------------------------

_LINE_CHARS = st.characters(blacklist_characters="\n\r\0{", blacklist_categories=("Cs",))
_NAME = st.from_regex(r"[A-Z][a-z]{0,6}( [A-Z][a-z]{0,6})?", fullmatch=True)
_TAGS = st.sampled_from(["<i>", "</i>", "<b>", "</b>", "<u>", "</u>", "<c.red>", "<c.a.b>", "</c>", "</v>",
                         "<lang en-GB>", "</lang>", "<ruby>", "<rt>", "</rt>", "</ruby>", "<00:00:01.500>",
                         "&amp;", "&lt;", "&gt;", "&nbsp;", "&lrm;"])
_PIECE = st.one_of(st.text(_LINE_CHARS, min_size=1, max_size=10).map(escape_text), _TAGS,
                   _NAME.map(lambda n: f"<v {n}>"))
_LINE = st.lists(_PIECE, min_size=1, max_size=6).map("".join).filter(lambda s: s != "")
_TEXT = st.one_of(st.just(""), st.lists(_LINE, min_size=1, max_size=3).map("\n".join))
_PCT = st.one_of(st.integers(0, 100).map(lambda n: f"{n}%"),
                 st.tuples(st.integers(0, 99), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]}%"))
_SETTINGS = st.fixed_dictionaries({}, optional={
    "vertical": st.sampled_from(["rl", "lr"]),
    "line": st.tuples(st.one_of(st.integers(-20, 20).map(str), _PCT),
                      st.sampled_from(["", ",start", ",center", ",end"])).map("".join),
    "position": st.tuples(_PCT, st.sampled_from(["", ",line-left", ",center", ",line-right"])).map("".join),
    "size": _PCT,
    "align": st.sampled_from(["start", "center", "end", "left", "right"]),
    "region": st.just("fred"),
})
_ID = st.one_of(st.just(""), st.text(st.characters(blacklist_characters="\n\r\0", blacklist_categories=("Cs",)),
                                     min_size=1, max_size=20).filter(lambda s: "-->" not in s))
_TIME = st.integers(0, 10 ** 9)


def _valid_for_region(s: dict) -> dict:
    # The spec takes a cue positioned by line, vertical or a size other than 100% out of its region.
    if "region" in s and ("line" in s or "vertical" in s or ("size" in s and float(s["size"][:-1]) != 100)):
        del s["region"]
    return s


_CUE = st.builds(Cue, start=_TIME, end=_TIME, text=_TEXT, identifier=_ID,
                 settings=_SETTINGS.map(_valid_for_region))
_HEADER_LINE = st.text(_LINE_CHARS, min_size=1, max_size=15).filter(lambda s: "-->" not in s)
_HEADER = st.tuples(st.one_of(st.just(""), _HEADER_LINE.map(lambda s: " " + s)),
                    st.lists(_HEADER_LINE, max_size=3)).map(lambda t: t[0] + "".join("\n" + x for x in t[1]))


@settings(max_examples=300, deadline=None)
@given(cues=st.lists(_CUE, max_size=8), header=_HEADER, style=st.booleans())
def test_compose_then_parse_is_the_identity(cues, header, style):
    meta = {"header": header, "style_blocks": ["STYLE\n::cue(.red) { color: red }"] if style else [],
            "region_blocks": ["REGION\nid:fred width:40%"]}
    track = Track(cues=cues, meta=meta)
    again = parse(compose(track))
    assert [(c.start, c.end, c.text, c.identifier, c.settings) for c in again.cues] == [
        (c.start, c.end, c.text, c.identifier, c.settings) for c in cues]
    assert [c.position for c in again.cues] == list(range(len(cues)))
    for key in ("header", "style_blocks", "region_blocks"):
        assert again.meta[key] == meta[key]
    assert not again.dropped()
    assert not kinds(again) - {"overlap", "unsorted", "end-before-start", "empty-cue", "comment-in-cue",
                               "whitespace-line", "note-read-as-cue"}


_SEEDS = [GPAC / "comments.vtt", GPAC / "timestamps.vtt", FILMS / "elephants-dream" /
          "elephants-dream-subtitles-en.vtt", MEDIA3 / "with_positioning", MEDIA3 / "with_css_styles",
          WEBVTT_PY / "youtube_dl.vtt"]
_TOKENS = [b"-->", b"\n", b"\n\n", b":", b".", b"WEBVTT", b"\x00", b"\r", b"<v ", b"STYLE\n", b"REGION\n",
           b"NOTE ", b"99", b"\xff", b"\xef\xbb\xbf", b" ", b"\t", b"region:x", b"line:", b"%", b","]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(_SEEDS), edits=st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 8), st.sampled_from(_TOKENS)), min_size=1, max_size=12))
def test_mutated_real_files_never_raise_anything_but_subpipe_error(seed, edits):
    data = bytearray(seed.read_bytes())
    for where, cut, token in edits:
        at = int(where * len(data))
        data[at:at + cut] = token  # replace a few bytes by a token (or insert it, when cut is 0)
    data = bytes(data)
    try:
        track = parse_track(data, path="mutated.vtt", format="vtt")
    except SubpipeError as exc:
        assert exc.line == 1 and exc.path == "mutated.vtt"
        return
    assert_accounted(track, decode(data, path="mutated.vtt").text)
    assert all(isinstance(c.start, int) and isinstance(c.end, int) for c in track.cues)
    assert re.match(r"WEBVTT", compose(track))
