"""Issue 9 case 6, reader side: nothing lost or invented without a word.

A cue block that lost its timing line is dropped *with its position*, so cues in the file = cues in
the track + dropped findings; an empty file is an empty track that says so; a file mixing UTF-8 with
lines of other code pages is decoded line by line, each decision a finding with its lines.
"""

import json

import pytest
from conftest import CORNER
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.encoding import decode
from subpipe.formats import parse_track, read_track

runner = CliRunner()


@pytest.mark.parametrize("name, kept, lost_at, lost_line", [
    ("webvtt-py/missing_timeframe.srt", [0, 2, 3, 4], 1, 5),
    ("media3/subrip/typical_missing_timecode", [0, 2], 1, 5),
])
def test_a_block_without_timing_line_is_a_dropped_cue_with_its_position(name, kept, lost_at, lost_line):
    track = read_track(CORNER / name)
    assert [c.position for c in track.cues] == kept
    lost = [f for f in track.findings if f.kind == "missing-timing"]
    assert [(f.position, f.line, f.dropped, f.severity) for f in lost] == [(lost_at, lost_line, True, "error")]
    positions = sorted([c.position for c in track.cues] + [f.position for f in track.dropped()])
    assert positions == list(range(len(positions)))  # every cue block accounted for, none twice


def test_the_text_of_the_dropped_block_is_quoted():
    track = read_track(CORNER / "webvtt-py" / "missing_timeframe.srt")
    assert "'Caption text #2'" in track.dropped()[0].message


def test_inspect_counts_the_dropped_block():
    res = runner.invoke(app, ["inspect", str(CORNER / "webvtt-py" / "missing_timeframe.srt"), "--json"])
    summary = json.loads(res.stdout)["summary"]
    assert (summary["cues"], summary["dropped"]) == (4, 1)


# --- empty files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"  \n\n\t\r\n", b"\xef\xbb\xbf\n\n"])
@pytest.mark.parametrize("suffix", [".srt", ".vtt", ".ass", ".ttml", ".smi", ""])
def test_an_empty_file_is_an_empty_track_with_a_warning_naming_it(tmp_path, content, suffix):
    path = tmp_path / f"Film.en{suffix}"
    path.write_bytes(content)
    track = read_track(path)
    assert track.cues == []
    empty = [f for f in track.findings if f.kind == "empty-file"]
    assert [(f.severity, f.path, f.line) for f in empty] == [("warning", str(path), 1)]


def test_an_empty_file_is_not_reported_as_passing_qc(tmp_path):
    path = tmp_path / "Film.en.srt"
    path.write_bytes(b"")
    res = runner.invoke(app, ["inspect", str(path), "--json"])
    data = json.loads(res.stdout)
    assert data["summary"]["qc"]["pass_rate"] == 0.0
    assert "empty-file" in {f["kind"] for f in data["findings"]}
    res = runner.invoke(app, ["qc", str(path)])
    assert "nothing to check" in res.output and "100%" not in res.output


# --- mixed encodings ---------------------------------------------------------------------------------------

def _mixed_srt() -> bytes:
    return ("1\n00:00:01,000 --> 00:00:02,000\nGröße überall, ça va\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\n".encode() + "Ça va, café crème.\n".encode("cp1252")
            + b"\n3\n00:00:05,000 --> 00:00:06,000\n" + "Привет, как дела?\nЭто моё копьё.\n".encode("cp1251")
            + "\n4\n00:00:07,000 --> 00:00:08,000\nZażółć gęślą jaźń\n".encode())


def test_utf8_cp1252_and_cp1251_lines_are_each_decoded_as_written():
    track = parse_track(_mixed_srt(), path="Mixed.srt")
    assert [c.text for c in track.cues] == ["Größe überall, ça va", "Ça va, café crème.",
                                            "Привет, как дела?\nЭто моё копьё.", "Zażółć gęślą jaźń"]
    assert track.encoding == "utf-8"


def test_each_decision_is_a_finding_with_its_lines():
    decoded = decode(_mixed_srt(), path="Mixed.srt")
    lines = [(f.line, f.message) for f in decoded.findings if f.kind == "mixed-encoding-line"]
    assert [line for line, _ in lines] == [7, 11]
    assert "line 7 not: decoded as cp1252" in lines[0][1]
    assert "lines 11-12 not: decoded as cp1251" in lines[1][1]
    summary = [f for f in decoded.findings if f.kind == "mixed-encoding"]
    assert len(summary) == 1 and "3 line(s)" in summary[0].message and summary[0].line == 7


def test_a_language_hint_breaks_ties_between_code_pages():
    data = "Größe\n".encode() + "Zażółć gęślą jaźń\n".encode("cp1250")
    assert decode(data, lang="pl").text == "Größe\nZażółć gęślą jaźń\n"
