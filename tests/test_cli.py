"""The `subpipe` command on real files: output, JSON, exit status, inputs untouched."""

import json
import shutil
import subprocess
import sys

import pysubs2
from conftest import CORNER, CORPUS, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.formats import read_track

runner = CliRunner()
SINTEL_DE = SAMPLES / "sintel" / "Sintel.de.vtt"
ED_EN = SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt"


def test_inspect_json_reports_format_encoding_repair_and_qc():
    res = runner.invoke(app, ["inspect", str(SINTEL_DE), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    s = data["summary"]
    assert (s["format"], s["lang"], s["cues"]) == ("vtt", "de", 26)
    kinds = {f["kind"] for f in data["findings"]}
    assert "mojibake-repaired" in kinds
    assert s["qc"]["cues"] == 26 and 0 <= s["qc"]["pass_rate"] <= 1


def test_inspect_human_output_names_the_file():
    res = runner.invoke(app, ["inspect", str(ED_EN)])
    assert res.exit_code == 0, res.output
    assert "89 cues" in res.stdout and "vtt" in res.stdout


def test_a_line_naming_a_long_path_is_printed_whole(tmp_path):
    """The terminal wraps a long line, not subpipe: the console cutting it at 80 columns (the width under
    CI) put the newline where the checkout's path length said, inside "89 cues" on a longer path."""
    deep = tmp_path.joinpath(*["a-folder-with-a-long-name"] * 4)
    deep.mkdir(parents=True)
    film = deep / ED_EN.name
    shutil.copy(ED_EN, film)
    res = runner.invoke(app, ["inspect", str(film)], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    first = res.stdout.splitlines()[0]
    assert first.startswith(f"{film}: vtt, utf-8, lang en, 89 cues (0 dropped)"), res.stdout


def test_inspect_rejects_a_non_subtitle_file_with_its_path_and_line():
    bad = CORNER / "vtt.js" / "cue-times" / "bad-data.json"
    res = runner.invoke(app, ["inspect", str(bad), "--json"])
    assert res.exit_code == 1
    err = json.loads(res.stdout)
    assert err["path"] == str(bad) and err["line"] == 1


def test_convert_vtt_to_srt_repairs_encoding_and_keeps_the_input(tmp_path):
    src = tmp_path / "Sintel.de.vtt"
    shutil.copy(SINTEL_DE, src)
    before = src.read_bytes()
    out = tmp_path / "Sintel.de.srt"
    res = runner.invoke(app, ["convert", str(src), str(out)])
    assert res.exit_code == 0, res.output
    assert src.read_bytes() == before
    text = out.read_text(encoding="utf-8")
    assert "töricht" in text and "Ã" not in text
    assert len(read_track(out).cues) == 26


def test_qc_fix_writes_a_fixed_copy_and_reports_fixes(tmp_path):
    out = tmp_path / "fixed.vtt"
    res = runner.invoke(app, ["qc", str(ED_EN), "--fix", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert out.exists() and data["output"] == str(out)
    before = json.loads(runner.invoke(app, ["qc", str(ED_EN), "--json"]).stdout)
    assert data["fixes"], "Elephants Dream has fast cues the fixes should touch"
    assert len(data["findings"]) < len(before["findings"])


def test_qc_strict_exits_non_zero_on_findings():
    res = runner.invoke(app, ["qc", str(ED_EN), "--strict"])
    assert res.exit_code == 1


def test_qc_fix_without_output_is_a_usage_error():
    res = runner.invoke(app, ["qc", str(ED_EN), "--fix"])
    assert res.exit_code == 2


def test_ingest_survives_a_bad_file_and_reports_it(tmp_path):
    junk = CORPUS / "SOURCES.md"
    res = runner.invoke(app, ["ingest", str(ED_EN), str(junk), str(SINTEL_DE), "-o", str(tmp_path), "--json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert [t["cues"] for t in data["tracks"]] == [89, 26]
    assert [e["path"] for e in data["errors"]] == [str(junk)]
    for name in ("ingest.md", "ingest.json", "findings.csv", "ElephantsDream.en.srt", "Sintel.de.vtt"):
        assert (tmp_path / name).exists(), name


def test_console_script_runs_as_a_real_process():
    exe = shutil.which("subpipe", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "console script `subpipe` not installed"
    proc = subprocess.run([exe, "inspect", str(ED_EN), "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["cues"] == 89


TOS_FR = CORPUS / "films" / "tears-of-steel" / "TOS-fr-Goofy.vtt"


def test_qc_checks_the_typography_of_the_locale_in_the_file_name(tmp_path):
    """A vendor's French track delivered for Canada, then for France: the locale comes from the file name
    (or --lang) and each gets its own spacing findings, catalogued, with the file line of the cue."""
    from subpipe.errors import FindingKind

    canada = tmp_path / "TearsOfSteel.fr-CA.vtt"
    shutil.copy(TOS_FR, canada)
    lines = canada.read_text(encoding="utf-8").split("\n")
    res = runner.invoke(app, ["qc", str(canada), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert (data["profile"], data["lang"]) == ("netflix", "fr-CA")
    spacing = [f for f in data["findings"] if f["kind"] == "locale-punct-space"]
    assert len(spacing) == data["summary"]["by_kind"]["locale-punct-space"] == 21
    assert {f["kind"] for f in data["findings"] if f["kind"].startswith("locale-")} == {"locale-punct-space"}
    first = spacing[0]
    assert first["path"] == str(canada) and first["severity"] == "warning"
    assert FindingKind("locale-punct-space").hint
    block = "\n".join(lines[first["line"] - 1:first["line"] + 3])  # the cue's block starts at its line
    assert "no space before ; ! ?" in first["message"] and "Celia, on doit poursuivre nos passions ;" in block
    france = json.loads(runner.invoke(app, ["qc", str(canada), "--lang", "fr-FR", "--json"]).stdout)
    assert france["lang"] == "fr-FR" and france["summary"]["by_kind"]["locale-punct-space"] == 32
    bare = json.loads(runner.invoke(app, ["qc", str(TOS_FR), "--json"]).stdout)  # "fr": no locale, no typography
    assert not [f for f in bare["findings"] if f["kind"].startswith("locale-")]
    human = runner.invoke(app, ["qc", str(canada)])
    assert "QC (netflix, fr-CA): 33/76 cues pass (43%), 54 findings" in human.stdout


def test_qc_fix_writes_the_locale_typography(tmp_path):
    canada = tmp_path / "TearsOfSteel.fr-CA.vtt"
    shutil.copy(TOS_FR, canada)
    out = tmp_path / "fixed.fr-CA.vtt"
    res = runner.invoke(app, ["qc", str(canada), "--fix", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert sum(f["kind"] == "fix-locale-punct-space" for f in data["fixes"]) == 21
    assert not [f for f in data["findings"] if f["kind"].startswith("locale-")]
    texts = {c.plain for c in read_track(out).cues}
    assert "Capitaine! On doit arrêter!" in texts and "Capitaine! On doit arrêter !" in {c.plain for c in read_track(canada).cues}


def test_convert_to_ass_keeps_the_gaps_qc_measures_and_says_what_it_cannot_keep(tmp_path):
    """`subpipe qc` of Elephants Dream converted to ASS finds the WebVTT's 19 short gaps, not 21 (each time
    on its nearest centisecond turned two 83 ms gaps into 80 ms); a limit centiseconds cannot keep is
    listed by convert."""
    out = tmp_path / "ElephantsDream.en.ass"
    assert runner.invoke(app, ["convert", str(ED_EN), str(out)]).exit_code == 0

    def gaps(path) -> int:
        res = runner.invoke(app, ["qc", str(path), "--json"])
        return sum(f["kind"] == "gap-too-short" for f in json.loads(res.stdout)["findings"])

    assert gaps(out) == gaps(ED_EN) == 19
    # ends 88 ms before the next cue and needs 2412 ms to be read (17 cps): 36.92 leaves 80 ms, 36.91 2410 ms
    src = tmp_path / "tight.fr.srt"
    src.write_text("1\n00:00:34,500 --> 00:00:36,912\nJe ne peux pas deak sans yyy. Trouvons...\n\n"
                   "2\n00:00:37,000 --> 00:00:38,000\n...un hui ! Trouve !\n", encoding="utf-8")
    res = runner.invoke(app, ["convert", str(src), str(tmp_path / "tight.fr.ass"), "--json"])
    written = json.loads(res.stdout)["writer_findings"]
    assert [(f["kind"], f["position"], f["path"]) for f in written] == [("timing-resolution", 0, "tight.fr.ass")]
    res = runner.invoke(app, ["convert", str(src), str(tmp_path / "tight.fr.ass")])
    assert "[timing-resolution] its duration of 2412 ms is 2410 ms in centiseconds" in res.stdout


def test_qc_fix_to_ass_writes_the_gaps_it_fixed_and_lists_what_centiseconds_cannot_keep(tmp_path):
    """`qc --fix -o X.ass` of Elephants Dream (German): the gap fix sets short gaps to 83 ms; the ASS copy
    had 11 gaps of 80 ms that the fixed track, as reported, did not have. Now none; the two cues that
    centiseconds cannot keep at 833 ms between two such gaps are in the report as `timing-resolution`."""
    out = tmp_path / "ElephantsDream.de.ass"
    res = runner.invoke(app, ["qc", str(SAMPLES / "elephants-dream" / "ElephantsDream.de.vtt"), "--fix", "-o", str(out),
                              "--json"])
    said = [f for f in json.loads(res.stdout)["findings"] if f["kind"] == "timing-resolution"]
    back = json.loads(runner.invoke(app, ["qc", str(out), "--json"]).stdout)["findings"]
    assert [f for f in back if f["kind"] == "gap-too-short"] == []
    assert [f["position"] for f in back if f["kind"] == "duration-too-short"] == [f["position"] for f in said]
    assert len(said) == 2 and {f["path"] for f in said} == {out.name}


def test_convert_to_ass_says_the_resolution_its_default_style_is_sized_for(tmp_path):
    # from WebVTT (no styles): full HD, as the dual-language track, with the Default style sized for it
    out = tmp_path / "ElephantsDream.en.ass"
    res = runner.invoke(app, ["convert", str(ED_EN), str(out)])
    assert res.exit_code == 0, res.output
    subs = pysubs2.load(str(out))
    assert (subs.info["PlayResX"], subs.info["PlayResY"]) == ("1920", "1080")
    assert subs.styles["Default"].fontsize == 75 and len(subs.events) == 89
