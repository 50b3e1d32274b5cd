"""IMSC 1.1 Text written through ttconv: every sample film there and back (through ttconv's IMSC reader
and through subpipe's own TTML reader) with cues, times, positions and italics equal; the profile
checks of `validate` on documents that break them; frame-based times; the CLI."""

import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.cues import Cue, Track
from subpipe.formats import compose_track, format_for_path, parse_track, read_track, write_track
from subpipe.formats._ttconv import track_from_document
from subpipe.formats.imsc import compose_imsc, numpad, read_document, validate, write_validated

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
FILMS = sorted(SAMPLES.rglob("*.vtt"))
CAPABILITY = CORPUS / "corner-cases" / "pysrt" / "capability_tester.srt"
PROFILE = "http://www.w3.org/ns/ttml/profile/imsc1.1/text"


def kinds(findings) -> list[str]:
    return [f.kind for f in findings]


def words(cue: Cue) -> list[str]:
    return [" ".join(line.split()) for line in cue.lines]


def italic_sample(track: Track) -> Track:
    """The film with every third cue in italics and every fifth at the top: the samples have neither."""
    cues = [c.copy(text=f"<i>{c.text}</i>" if c.position % 3 == 0 else c.text,
                   align=8 if c.position % 5 == 0 else c.align) for c in track.cues]
    return track.copy(cues=cues)


@pytest.mark.parametrize("film", FILMS, ids=lambda p: p.name)
def test_every_sample_film_to_imsc_and_back_keeps_cues_times_positions_and_italics(film, tmp_path):
    track = italic_sample(read_track(film, lang=film.suffixes[0].strip(".").split("+")[0]))
    out, findings = write_validated(track, tmp_path / f"{film.stem}.ttml")
    assert findings == []  # ttconv read it back: profile rules hold, nothing lost

    back = read_track(out)  # and subpipe's own TTML reader agrees, to the millisecond
    assert back.format == "ttml"
    assert [(c.start, c.end) for c in back.cues] == [(c.start, c.end) for c in track.cues]
    assert [c.align for c in back.cues] == [numpad(c) for c in track.cues]
    if film.name.startswith("ElephantsDream"):  # its WebVTT "line:6%" cues go to the top region
        tops = {c.position for c in track.cues if c.settings.get("line") == "6%"}
        assert tops and tops <= {c.position for c in back.cues if c.align == 8}
    # TTML's default white space handling drops spaces at line ends and collapses runs (the sources have some)
    assert [words(c) for c in back.cues] == [words(c) for c in track.cues]
    assert [c.position for c in back.cues if c.text.startswith("<i>")] == \
           [c.position for c in track.cues if c.position % 3 == 0]
    text = out.read_text(encoding="utf-8")
    assert f'ttp:contentProfiles="{PROFILE}"' in text
    assert f'xml:lang="{track.lang}"' in text


def test_positions_of_the_capability_tester_survive_in_every_numpad_cell():
    track = read_track(CAPABILITY)
    doc, logged = read_document(compose_track(track, "imsc"), "capability.ttml")
    back = track_from_document(doc, path="capability.ttml", format="imsc")
    shown = [c for c in track.cues if c.end > c.start]
    assert logged == []
    assert [c.align or 2 for c in back.cues] == [c.align or 2 for c in shown]
    assert {c.align for c in back.cues} == {None, 1, 3, 4, 5, 6, 8, 9}


def test_zero_length_cues_are_said_not_compared():
    """ttconv's reader leaves out paragraphs never presented; validate says so instead of a loss."""
    track = read_track(CAPABILITY)
    findings = validate(compose_track(track, "imsc"), expected=track)
    (zero,) = [f for f in findings if f.kind == "imsc-zero-duration"]
    assert zero.severity == "info" and "positions 0, 2" in zero.message
    # The file's other finding is real: cues 1 ms apart leave the render model no time to draw the next.
    assert {(f.kind, f.start_ms) for f in findings if f is not zero} == {
        ("imsc-hrm", 35501), ("imsc-hrm", 45501), ("imsc-hrm", 56501), ("imsc-hrm", 58501)}


def test_styling_becomes_spans_and_breaks_and_unsupported_markup_keeps_its_text():
    track = Track([Cue(0, 1000, '<v Mary><i>No</i> <b>way</b>, <font color="#ff0000">red</font>\n'
                                '<u>R&amp;D</u> {\\fad(1,2)}<c.loud>5 &lt; 6</c></v>')], lang="en")
    text = compose_imsc(track)
    assert '<span tts:fontStyle="italic">No</span>' in text
    assert '<span tts:fontWeight="bold">way</span>' in text
    assert '<span tts:color="#ff0000">red</span>' in text
    assert "<br />" in text and "R&amp;D" in text and "5 &lt; 6" in text
    assert "fad" not in text and "Mary" not in text
    assert validate(text, expected=track) == []


def test_underline_and_line_through_come_back_through_both_readers():
    track = Track([Cue(0, 1000, "<u>under</u> and <s>struck</s>"), Cue(1000, 2000, "<s>all</s>")], lang="en")
    text = compose_imsc(track)
    assert 'tts:textDecoration="lineThrough"' in text and validate(text, expected=track) == []
    ours = parse_track(text.encode(), path="x.ttml")
    theirs = track_from_document(read_document(text, "x.ttml")[0], path="x.ttml", format="imsc")
    assert [c.text for c in ours.cues] == [c.text for c in theirs.cues] == [c.text for c in track.cues]


def test_frame_rate_gives_frame_times_exact_to_the_frame():
    track = Track([Cue(1000, 2480, "one"), Cue(3001, 4019, "two")], lang="de")
    text = compose_imsc(track, fps=25)
    assert 'ttp:frameRate="25"' in text and 'begin="00:00:01:00"' in text and 'end="00:00:02:12"' in text
    assert validate(text) == []
    back = parse_track(text, path="x.ttml")
    assert [(c.start, c.end) for c in back.cues] == [(1000, 2480), (3000, 4000)]  # 40 ms frames
    ntsc = compose_imsc(track, fps=23.976)
    assert 'ttp:frameRate="24"' in ntsc and 'ttp:frameRateMultiplier="1000 1001"' in ntsc
    assert validate(ntsc) == []


def test_validate_reports_each_broken_profile_rule():
    good = compose_imsc(Track([Cue(0, 1000, "Hi", align=8), Cue(2000, 3000, "there")], lang="en"))
    assert validate(good) == []
    no_profile = good.replace(f' ttp:contentProfiles="{PROFILE}"', "")
    assert kinds(validate(no_profile)) == ["imsc-profile"]
    no_lang = good.replace(' xml:lang="en"', "")
    assert "imsc-lang" in kinds(validate(no_lang))
    smpte = good.replace("<tt ", '<tt ttp:timeBase="smpte" ', 1)
    assert "imsc-time-base" in kinds(validate(smpte))
    outside = good.replace('tts:origin="10% 64%"', 'tts:origin="30% 64%"')
    assert kinds(validate(outside)) == ["imsc-region-extent"]
    both = compose_imsc(Track([Cue(0, 3000, "Hi", align=8), Cue(2000, 3000, "there")], lang="en"))
    found = validate(both.replace('tts:origin="10% 10%"', 'tts:origin="10% 60%"'))  # shown together
    assert kinds(found) == ["imsc-profile-rule"] and "overlap" in found[0].message
    frames = good.replace('begin="00:00:00.000"', 'begin="12f"')
    assert "imsc-frame-rate" in kinds(validate(frames))
    backwards = good.replace('end="00:00:03.000"', 'end="00:00:01.500"')
    assert "imsc-timing" in kinds(validate(backwards))


def test_the_hypothetical_render_model_fails_a_glyph_storm():
    """Four new 41-character lines every 40 ms cannot be drawn in time: IMSC's HRM says where."""
    storm = Track([Cue(i * 40, i * 40 + 40, "\n".join([f"{i:02d}" + "W" * 39] * 4)) for i in range(10)],
                  lang="en")
    found = validate(compose_imsc(storm))
    assert found and {f.kind for f in found} == {"imsc-hrm"}
    assert found[0].start_ms == 40 and "Rendering time exceeded at 00:00:00.040" in found[0].message
    calm = Track([c.copy(start=c.start * 50, end=c.start * 50 + 1900) for c in storm.cues], lang="en")
    assert validate(compose_imsc(calm)) == []


def test_validate_compares_with_the_track_written():
    track = Track([Cue(0, 1000, "<i>Hi</i> there"), Cue(2000, 3000, "two\nlines", align=9)], lang="en")
    text = compose_imsc(track)
    assert validate(text, expected=track) == []
    lost_italics = text.replace(' tts:fontStyle="italic"', "")
    assert kinds(validate(lost_italics, expected=track)) == ["imsc-lost-italics"]
    moved = text.replace('begin="00:00:02.000"', 'begin="00:00:02.001"')
    assert kinds(validate(moved, expected=track)) == ["imsc-lost-time"]
    one_less = re.sub(r'<p [^>]*xml:id="sub2".*?</p>', "", text)
    assert kinds(validate(one_less, expected=track)) == ["imsc-lost-cues"]
    centred = text.replace('tts:textAlign="end"', 'tts:textAlign="center"')
    assert kinds(validate(centred, expected=track)) == ["imsc-lost-position"]


def test_validate_takes_a_path_and_reports_unreadable_documents(tmp_path):
    path = tmp_path / "film.ttml"
    path.write_text(compose_imsc(Track([Cue(0, 500, "x")], lang="fr")), encoding="utf-8")
    assert validate(path) == [] and validate(str(path)) == []
    broken = tmp_path / "broken.ttml"
    broken.write_text('<tt xmlns="http://www.w3.org/ns/ttml"><body><p>', encoding="utf-8")
    (finding,) = validate(broken)
    assert finding.kind == "imsc-unreadable" and finding.path == str(broken) and finding.line
    (missing,) = validate(tmp_path / "nope.ttml")
    assert missing.kind == "imsc-unreadable" and "no such" in missing.message


def test_corpus_ttml_that_is_not_imsc_is_told_apart():
    """GPAC's EBU-TT-D sample is TTML but does not declare IMSC 1.1 Text: one finding, not a crash."""
    found = validate(CORPUS / "corner-cases" / "gpac-ttml" / "ebu-ttd_sample.ttml")
    assert "imsc-profile" in kinds(found)


def test_ttml_extension_writes_imsc_and_the_reader_stays_ttml(tmp_path):
    assert format_for_path("film.ttml").id == "imsc"
    track = read_track(SAMPLES / "sintel" / "Sintel.en.vtt")
    out = write_track(track, tmp_path / "Sintel.en.ttml")
    assert read_track(out).format == "ttml"
    assert len(read_track(out, format="imsc").cues) == len(track.cues)


def test_cli_convert_writes_imsc_that_validates(tmp_path):
    out = tmp_path / "TearsOfSteel.en.ttml"
    src = SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"
    res = CliRunner().invoke(app, ["convert", str(src), str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["cues"] == 76
    assert validate(out, expected=read_track(src)) == []
