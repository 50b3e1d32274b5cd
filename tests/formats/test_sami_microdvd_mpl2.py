"""SAMI, MicroDVD and MPL2: GPAC's MicroDVD file refused without a frame rate and read with one,
small documents of each format read, written and read again, and the detection of all our formats
checked against every SRT and WebVTT file of the corpus."""

from pathlib import Path

import pytest
from conftest import CORNER, CORPUS, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subpipe.cues import Cue, Track
from subpipe.encoding import decode
from subpipe.errors import SubpipeError
from subpipe.formats import ass, compose_track, microdvd, mpl2, parse_track, read_track, sami, srt, ttml
from subpipe.qc import check_track, fix_track, load_profile

GPAC_SUB = CORNER / "gpac-misc" / "subtitle.sub"


def found(track: Track, *kinds: str) -> list[tuple[str, int | None, int | None]]:
    return [(f.kind, f.line, f.position) for f in track.findings if not kinds or f.kind in kinds]


def rows(track: Track) -> list[tuple[int, int, str]]:
    return [(c.start, c.end, c.text) for c in track.cues]


# --- SAMI ------------------------------------------------------------------------------------------------

BILINGUAL = """<SAMI>
<HEAD>
<TITLE>Demo</TITLE>
<STYLE TYPE="text/css"><!--
P { font-family: Arial; text-align: center; }
.ENCC { Name: English; lang: en-US; SAMIType: CC; }
.FRCC { Name: French; lang: fr-FR; SAMIType: CC; }
--></STYLE>
</HEAD>
<BODY>
<SYNC Start=1000>
<P Class=ENCC>Hello <i>there</i>,<br>R&amp;D &lt;team&gt;
<P Class=FRCC>Bonjour
<SYNC Start=3500>
<P Class=ENCC>&nbsp;
<P Class=FRCC>&nbsp;
<SYNC Start=4000>
<P Class=ENCC><font color="yellow">Second</font>
<SYNC Start=soon>
<P Class=ENCC>Broken start
<SYNC Start=6000>
<P Class=ENCC>Last one
</BODY>
</SAMI>
"""


def test_sami_reads_the_first_language_and_ends_captions_at_the_next_sync():
    track = parse_track(BILINGUAL.encode("cp1252"), path="demo.smi")
    assert (track.format, track.lang) == ("sami", "en-US")
    assert rows(track) == [(1000, 3500, "Hello <i>there</i>,\nR&amp;D &lt;team&gt;"),
                           (4000, 6000, '<font color="#ffff00">Second</font>'),
                           (6000, 7036, "Last one")]
    assert [(c.position, c.line) for c in track] == [(0, 11), (1, 17), (3, 21)]  # lines of the <SYNC>s
    assert found(track) == [("other-languages", None, None), ("bad-timing", 19, 2),
                            ("estimated-end", 21, 3)]
    assert [f.position for f in track.dropped()] == [2]
    assert track.meta["sami"] == {"class": "encc", "classes": ["encc", "frcc"]}


def test_sami_without_classes_or_paragraphs():
    track = sami.FORMAT.parse("<sami><body><sync start=0>one<sync start=1500ms>two<br>lines"
                              "<sync start=2500></body></sami>", path="x.sami")
    assert rows(track) == [(0, 1500, "one"), (1500, 2500, "two\nlines")]
    assert found(track) == []


def test_sami_is_read_only_and_sniffed_by_its_root():
    assert not sami.FORMAT.writable
    with pytest.raises(SubpipeError, match="does not write"):
        compose_track(Track([Cue(0, 1, "x")]), "sami")
    assert sami.FORMAT.sniff("\ufeff<!-- caption file -->\n<SAMI>\n")
    assert not sami.FORMAT.sniff("1\n00:00:01,000 --> 00:00:02,000\n<SAMI> is a format\n")


# --- MicroDVD --------------------------------------------------------------------------------------------

def test_gpac_microdvd_needs_a_frame_rate():
    with pytest.raises(SubpipeError, match="MicroDVD counts frames; give the frame rate with --fps") as err:
        parse_track(GPAC_SUB.read_bytes(), path=str(GPAC_SUB))
    assert (Path(err.value.path).name, err.value.line) == ("subtitle.sub", 1)


def test_gpac_microdvd_at_25_fps():
    track = parse_track(GPAC_SUB.read_bytes(), path=str(GPAC_SUB), fps=25)
    assert (track.format, track.fps) == ("microdvd", 25)
    assert rows(track) == [(1000, 2000, "This is a sub-title"), (3000, 4000, "Another subtitle\non 2 lines"),
                           (6000, 8000, "With unicode: é ï ö Ä")]
    assert [(c.line, c.position) for c in track] == [(1, 0), (2, 1), (3, 2)]
    assert found(track, "unparsed-line", "open-end", "end-before-start") == []
    again = parse_track(compose_track(track, "microdvd").encode(), path="again.sub")
    assert rows(again) == rows(track) and again.fps == 25  # read from the {1}{1}25 we wrote


def test_microdvd_declaration_styles_and_bad_lines():
    text = ("{1}{1}23.976\n{24}{48}{Y:i}Both lines|italic\n{48}{72}{y:b}Bold|{c:$0000FF}red & blue\n"
            "garbage line\n{100}{}{f:Arial}open end\n{200}{150}backwards\n")
    track = microdvd.FORMAT.parse(text, path="x.sub")
    assert track.fps == 23.976
    assert rows(track) == [(1001, 2002, "<i>Both lines</i>\n<i>italic</i>"),
                           (2002, 3003, '<b>Bold</b>\n<font color="#ff0000">red &amp; blue</font>'),
                           (4171, 8342, "open end"), (8342, 6256, "backwards")]
    # A line without cue syntax is not a cue block: reported with its line, no position, nothing dropped.
    assert [c.position for c in track] == [0, 1, 2, 3]
    assert found(track) == [("unparsed-line", 4, None), ("unsupported-code", 5, 2), ("end-before-start", 6, 3),
                            ("open-end", 5, 2)]
    assert track.dropped() == []


def test_a_given_frame_rate_wins_over_the_declaration():
    track = microdvd.FORMAT.parse("{1}{1}25\n{25}{50}x\n", path="x.sub", fps=50)
    assert (track.fps, rows(track)) == (50, [(500, 1000, "x")])
    assert found(track) == [("fps-mismatch", 1, None)]


def test_microdvd_writes_only_with_a_frame_rate():
    track = Track([Cue(1000, 2000, "<i>all</i>\nnot <i>all</i> | pipe")])
    with pytest.raises(SubpipeError, match="give the frame rate"):
        compose_track(track, "microdvd")
    assert microdvd.FORMAT.compose(track, fps=25) == "{1}{1}25\n{25}{50}{y:i}all|not all ¦ pipe\n"
    with pytest.raises(SubpipeError, match="positive number"):
        microdvd.FORMAT.compose(track, fps=0)



def test_microdvd_frames_keep_a_short_cue_and_touching_cues():
    """Nearest frames made a 1 ms cue (25.000 and 25.025 frames) a cue of no frame, never shown."""
    track = Track([Cue(1000, 1001, "blink"), Cue(2010, 3030, "a", position=1), Cue(3030, 4000, "b", position=2)])
    assert microdvd.FORMAT.compose(track, fps=25) == "{1}{1}25\n{25}{26}blink\n{50}{76}a\n{76}{100}b\n"


# --- MPL2 ------------------------------------------------------------------------------------------------

def test_mpl2_read_and_written_back():
    text = "[0][25]/Watch out!|It's <i>here</i>\n[30][]open\n[50][60] plain & simple\nnot mpl2\n"
    track = parse_track(text.encode(), path="film.txt")
    assert track.format == "mpl2"
    assert rows(track) == [(0, 2500, "<i>Watch out!</i>\nIt's <i>here</i>"), (3000, 5000, "open"),
                           (5000, 6000, "plain &amp; simple")]
    assert found(track) == [("unparsed-line", 4, None), ("open-end", 2, 1)]
    assert mpl2.FORMAT.compose(track) == "[0][25]/Watch out!|It's here\n[30][50]open\n[50][60]plain & simple\n"


def test_mpl2_rounds_to_deciseconds():
    assert mpl2.FORMAT.compose(Track([Cue(1049, 1050, "x")])) == "[10][11]x\n"


def test_mpl2_keeps_the_two_frame_gaps_of_a_real_track():
    """Elephants Dream's German track after QC's gap fix (every short gap 83 ms, as localize leaves them):
    nearest deciseconds gave a gap under the minimum the SRT does not have, and two cues under 833 ms;
    now gaps of 83 ms are 100 ms, and the one cue that deciseconds cannot keep at 833 ms as well is said."""
    profile = load_profile("netflix", lang="de")
    track = fix_track(read_track(SAMPLES / "elephants-dream" / "ElephantsDream.de.vtt", lang="de"), profile,
                      fixes=("gap",))[0]
    back = mpl2.FORMAT.parse(mpl2.FORMAT.compose(track), path="de.txt")
    kinds = [(f.kind, f.position) for f in check_track(back, profile, typography=False)]
    assert [k for k in kinds if k[0] == "gap-too-short"] == []
    said = mpl2.FORMAT.timing(track).findings
    assert [k for k in kinds if k[0] == "duration-too-short"] == [("duration-too-short", f.position) for f in said]
    assert len(said) == 1 and "in deciseconds (minimum 833 ms)" in said[0].message
    before = [(f.kind, f.position) for f in check_track(srt.FORMAT.parse(srt.FORMAT.compose(track), path="de.srt"),
                                                         profile, typography=False)]
    assert set(kinds) - set(before) == {("duration-too-short", said[0].position)}


# --- detection -------------------------------------------------------------------------------------------

OURS = [ass.ASS, ass.SSA, ttml.FORMAT, sami.FORMAT, microdvd.FORMAT, mpl2.FORMAT]
OTHERS = sorted(p for p in CORPUS.rglob("*") if p.is_file() and (
    p.suffix in (".srt", ".vtt") or p.parent.name in ("subrip", "webvtt")))


def test_the_corpus_has_srt_and_webvtt_files_to_check():
    assert len(OTHERS) > 60


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_our_sniffers_do_not_claim_srt_or_webvtt(path):
    text = decode(path.read_bytes(), path=path.name).text
    assert [f.id for f in OURS if f.sniff(text)] == []


@pytest.mark.parametrize("text, expected", [
    ("[Script Info]\nScriptType: v4.00+\n", "ass"), ("[Script Info]\nScriptType: v4.00\n", "ssa"),
    ('<tt xmlns="http://www.w3.org/ns/ttml"></tt>', "ttml"), ("<SAMI><BODY></BODY></SAMI>", "sami"),
    ("{0}{25}Hi\n", "microdvd"), ("[0][25]Hi\n", "mpl2"),
])
def test_each_signature_is_claimed_by_exactly_one_of_ours(text, expected):
    assert [f.id for f in OURS if f.sniff(text)] == [expected]


# --- properties ------------------------------------------------------------------------------------------

SOURCES = {
    "sami": BILINGUAL.encode(),
    "microdvd": GPAC_SUB.read_bytes(),
    "mpl2": b"[0][25]/Watch out!|It's <i>here</i>\n[30][]open\n[50][60] plain & simple\n",
}


@given(st.sampled_from(sorted(SOURCES)), st.data())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_files_raise_only_subpipe_errors(fmt, data):
    raw = bytearray(SOURCES[fmt])
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at + data.draw(st.integers(0, 4))] = data.draw(
            st.one_of(st.binary(max_size=6), st.sampled_from([b"{", b"}", b"[", b"]", b"|", b"<", b"\n", b"9"])))
    try:
        parse_track(bytes(raw), path=f"fuzz.{fmt}", format=fmt, fps=data.draw(st.sampled_from([None, 25.0])))
    except SubpipeError:
        pass


def test_a_text_file_with_no_cue_line_is_not_mpl2_or_microdvd():
    licence = "Permission is hereby granted, free of charge,\nto any person obtaining a copy\n"
    with pytest.raises(SubpipeError, match="not an MPL2 file") as err:
        parse_track(licence.encode(), path="LICENSE.txt")
    assert (err.value.path, err.value.line) == ("LICENSE.txt", 1)
    with pytest.raises(SubpipeError, match="not a MicroDVD file"):
        microdvd.FORMAT.parse(licence, path="notes.sub", fps=25)
