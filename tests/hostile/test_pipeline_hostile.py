"""The film pipeline on hostile shapes of input (issue 9, case 6): nothing replaced without a word,
nothing delivered that says less than what happened."""

import json
import subprocess
import sys

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.errors import SubpipeError
from subpipe.formats import read_track, write_track
from subpipe.localize import localize_film

SINTEL = SAMPLES / "sintel"


def test_two_references_of_one_language_write_their_own_alignment_files(demo_models, tmp_path):
    de_srt = write_track(read_track(SINTEL / "Sintel.de.vtt"), tmp_path / "refs" / "Sintel.de.srt", format="srt")
    result = localize_film(SINTEL / "Sintel.en.vtt", ["es"], reference_tracks=[SINTEL / "Sintel.de.vtt", de_srt],
                           output_dir=tmp_path / "out")
    first, second = (a.summary() for a in result.alignments)
    assert first["reference"] == str(SINTEL / "Sintel.de.vtt") and second["reference"] == str(de_srt)
    assert first["outputs"]["links"].endswith("align/Sintel.en-de.links.json")
    assert second["outputs"]["links"].endswith("align/Sintel.en-de.2.links.json")
    written = {kind: {a.outputs[kind] for a in result.alignments} for kind in ("links", "tmx", "dual", "report")}
    assert all(len(paths) == 2 for paths in written.values())
    for alignment in result.alignments:
        links = json.loads(open(alignment.outputs["links"], encoding="utf-8").read())
        assert links["target"]["path"] == alignment.reference


@pytest.mark.parametrize("content, what", [
    (b"", "the track has no cue"),
    ("1\n00:00:01,000 --> 00:00:03,000\n\u266a\n\n2\n00:00:04,000 --> 00:00:06,000\n\u266a \u266a\n".encode(),
     "none of its 2 cues has a word"),
])
def test_a_source_with_nothing_to_translate_is_said_so_not_delivered(demo_models, tmp_path, content, what):
    source = tmp_path / "Empty.en.srt"
    source.write_bytes(content)
    with pytest.raises(SubpipeError, match=f"nothing to translate: {what}") as err:
        localize_film(source, ["es"], output_dir=tmp_path / "out")
    assert err.value.code == "nothing-to-translate" and err.value.path == str(source)
    assert not (tmp_path / "out").exists()


def test_the_cli_names_an_empty_source_and_delivers_nothing(demo_models, tmp_path):
    source = tmp_path / "Empty.en.srt"
    source.write_bytes(b"")
    result = CliRunner().invoke(app, ["localize", str(source), "--to", "es", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    said = "".join(result.output.split())  # the console wraps long paths
    assert f"{source}:nothingtotranslate" in said and "QCpass" not in said
    assert not (tmp_path / "out").exists()


def test_a_missing_pair_is_refused_before_anything_heavy_is_loaded(tmp_path):
    # Issue 9 case 7: `--to xx` was refused only after 5 s of work (argos's translate module imports
    # spaCy and CTranslate2 just to list the installed packages). Since issue 13 `xx` is not a known tag
    # at all; `ja` is a real one without a model.
    code = ("import sys\nfrom subpipe.errors import SubpipeError\nfrom subpipe.localize import localize_film\n"
            "try:\n    localize_film(sys.argv[1], ['ja'], output_dir=sys.argv[2], strict=True)\n"
            "except SubpipeError as exc:\n    print('refused:', exc.code)\n"
            "print(sorted(m for m in ('spacy', 'ctranslate2', 'argostranslate.translate', 'torch') "
            "if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES / "sintel" / "Sintel.en.vtt"),
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["refused: missing-pair", "[]"], out.stdout
    assert not (tmp_path / "out").exists()
