"""Issue 9 case 7: bounded cost on hostile input.

Limits are settings (`subpipe.limits.Limits`, ``SUBPIPE_MAX_*`` variables, a `limits=` parameter);
beyond them a `SubpipeError` with code ``limit`` names the file (and line). Within them the hostile
shapes of the issue stay cheap: a cue at the length cap is QC'd with findings that quote it cut short,
and SAMI with 10,000 unclosed ``<SYNC Start=`` tags never reaches `html.parser` as tags. No timing is
asserted: the work is bounded by what the tests count.
"""

import json

import pytest
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.errors import SubpipeError
from subpipe.formats import compose_track, parse_track, read_track
from subpipe.formats.sami import escape_unclosed_tags
from subpipe.limits import Limits, excerpt
from subpipe.qc import check_track, load_profile

runner = CliRunner()


def _srt(cues: int, text: str = "Hello there") -> str:
    blocks = []
    for i in range(cues):
        s = i * 2000
        blocks.append(f"{i + 1}\n00:{s // 60000 % 60:02}:{s // 1000 % 60:02},000 --> "
                      f"00:{(s + 1500) // 60000 % 60:02}:{(s + 1500) // 1000 % 60:02},500\n{text}\n")
    return "\n".join(blocks)


def _refused(**kw) -> SubpipeError:
    with pytest.raises(SubpipeError) as err:
        parse_track(**kw)
    assert err.value.code == "limit", err.value
    return err.value


# --- the settings -----------------------------------------------------------------------------------------

def test_defaults_and_environment():
    assert Limits() == Limits(max_file_bytes=50_000_000, max_cue_chars=10_000, max_cues=100_000,
                           max_glossary_entries=200_000)
    env = Limits.from_env({"SUBPIPE_MAX_FILE_BYTES": "1_000", "SUBPIPE_MAX_CUES": "0"})
    assert env.max_file_bytes == 1000 and env.max_cues > 10**18 and env.max_cue_chars == 10_000
    for bad in ("lots", "-1"):
        with pytest.raises(SubpipeError) as err:
            Limits.from_env({"SUBPIPE_MAX_CUE_CHARS": bad})
        assert "SUBPIPE_MAX_CUE_CHARS" in str(err.value)


# --- file size --------------------------------------------------------------------------------------------

def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "Huge.en.srt"
    with open(big, "wb") as fh:  # sparse: 200 MB that take no disk and no time to make
        fh.write(_srt(1).encode())
        fh.truncate(200_000_000)
    with pytest.raises(SubpipeError) as err:
        read_track(big)
    assert (err.value.code, err.value.path) == ("limit", str(big))
    assert "200,000,000 bytes, limit 50,000,000" in err.value.message


def test_the_size_limit_is_a_setting_the_cli_honours(tmp_path):
    path = tmp_path / "Film.en.srt"
    path.write_text(_srt(20))
    assert read_track(path).cues
    res = runner.invoke(app, ["inspect", str(path), "--json"], env={"SUBPIPE_MAX_FILE_BYTES": "100"})
    assert res.exit_code == 1 and json.loads(res.stdout)["error"] == "limit"
    with pytest.raises(SubpipeError):
        read_track(path, limits=Limits(max_file_bytes=100))
    _refused(data=path.read_bytes(), path=str(path), limits=Limits(max_file_bytes=100))


# --- cue length -------------------------------------------------------------------------------------------

def test_a_cue_beyond_the_length_cap_is_refused_with_its_line():
    text = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:00:05,000\n" + "word " * 3000 + "\n"
    err = _refused(data=text.encode(), path="Long.srt")
    assert (err.path, err.line) == ("Long.srt", 5)
    assert "cue 1 is too long: 14,999 characters, limit 10,000" in err.message
    assert parse_track(text.encode(), path="Long.srt", limits=Limits(max_cue_chars=20_000)).cues


def test_a_cue_at_the_cap_is_checked_and_quoted_cut_short():
    text = ("word " * 2000)[:10_000]
    track = parse_track(f"1\n00:00:01,000 --> 00:00:05,000\n{text}\n".encode(), path="Cap.srt")
    findings = check_track(track, load_profile("netflix", lang="en"))
    assert {"line-too-long", "reading-speed", "too-many-lines"} - {f.kind for f in findings} == {"too-many-lines"}
    assert max(len(f.message) for f in findings) < 300
    long_line = next(f for f in findings if f.kind == "line-too-long")
    assert long_line.message.endswith("… (9,999 characters)")  # the trailing space is stripped


def test_cli_qc_of_a_cue_at_the_cap_prints_little(tmp_path):
    path = tmp_path / "Cap.en.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:05,000\n" + "x" * 10_000 + "\n")
    res = runner.invoke(app, ["qc", str(path)])
    assert res.exit_code == 0 and len(res.output) < 5_000  # was 30 MB for a 5 MB cue


def test_excerpt():
    assert excerpt("x" * 5_000_000).endswith("… (5,000,000 characters)")


# --- cue count --------------------------------------------------------------------------------------------

def test_too_many_cues_are_refused_before_parsing_for_srt_and_vtt():
    limits = Limits(max_cues=50)
    err = _refused(data=_srt(51).encode(), path="Many.srt", limits=limits)
    assert "too many cues: 51, limit 50" in err.message
    vtt = "WEBVTT\n\n" + _srt(51).replace(",", ".")
    _refused(data=vtt.encode(), path="Many.vtt", limits=limits)
    assert len(parse_track(_srt(50).encode(), path="Fifty.srt", limits=limits).cues) == 50


def test_too_many_cues_are_refused_after_parsing_for_other_formats():
    lines = "\n".join(f"{{{i * 50}}}{{{i * 50 + 40}}}Line {i}" for i in range(51))
    err = _refused(data=lines.encode(), path="Many.sub", fps=25, limits=Limits(max_cues=50))
    assert err.path == "Many.sub"


# --- SAMI: unclosed tags ----------------------------------------------------------------------------------

def test_sami_with_10000_unclosed_sync_tags_reads_them_as_text():
    hostile = "<SAMI><BODY>" + "<SYNC Start=" * 10_000
    safe, escaped = escape_unclosed_tags(hostile)
    assert len(escaped) == 10_000 and "<SYNC" not in safe  # html.parser never sees one of them
    track = parse_track(hostile.encode(), path="Hostile.smi")
    assert track.cues == []
    unclosed = [f for f in track.findings if f.kind == "unclosed-tag"]
    assert len(unclosed) == 1 and unclosed[0].message.startswith("10000 '<' never closed")


def test_sami_unclosed_tags_between_real_captions_do_not_hide_them():
    text = ("<SAMI><BODY>\n<SYNC Start=1000><P Class=ENCC>One <SYNC Start=\n"
            "<SYNC Start=2000><P Class=ENCC>Two\n<!-- a <comment> -->\n<SYNC Start=3000><P Class=ENCC>&nbsp;\n"
            "</BODY></SAMI>")
    track = parse_track(text.encode(), path="Mixed.smi")
    assert [(c.start, c.end, c.text) for c in track.cues] == [(1000, 2000, "One &lt;SYNC Start="),
                                                              (2000, 3000, "Two")]
    assert [f.line for f in track.findings if f.kind == "unclosed-tag"] == [2]


def test_a_timestamp_no_format_could_hold_is_a_dropped_block_not_a_cue_lost_on_writing():
    # Found by tests/hostile/test_fuzz.py: 30 digits of hours were read as a cue ending in 10**38 ms,
    # which every writer then wrote in a form no reader takes back.
    data = (b"2\n999999999999999999999999999999:00:27,000 --> 00:00:30,730\nascii\n\n"
            b"4\n00:00:31,500 --> 00:00:34,100\noh look\n\n")
    track = parse_track(data, path="huge.srt", format="srt")
    assert [c.text for c in track.cues] == ["oh look"]
    dropped = [f for f in track.findings if f.dropped]
    assert [(f.kind, f.position, f.line) for f in dropped] == [("bad-timing", 0, 2)]
    for fmt in ("srt", "vtt", "ass"):
        again = parse_track(compose_track(track, fmt).encode(), path=f"again.{fmt}", format=fmt)
        assert [c.plain for c in again.cues] == ["oh look"]


def test_no_file_size_limit_reads_files_and_allocates_only_what_they_hold(monkeypatch, tmp_path):
    # Found by bench/bench_hostile.py: SUBPIPE_MAX_FILE_BYTES=0 ("no limit") made every read fail with
    # OverflowError, and every read allocated the whole limit up front.
    import tracemalloc

    srt = tmp_path / "small.en.srt"
    srt.write_text(_srt(3), encoding="utf-8")
    monkeypatch.setenv("SUBPIPE_MAX_FILE_BYTES", "0")
    assert len(read_track(srt).cues) == 3
    monkeypatch.delenv("SUBPIPE_MAX_FILE_BYTES")
    from subpipe.fileio import read_input

    tracemalloc.start()
    try:
        assert read_input(srt, max_bytes=50_000_000) == srt.read_bytes()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
