"""`subpipe localize --format imsc`: the translated track delivered as IMSC 1.1 Text beside SRT and WebVTT,
the same cues as the SRT, and its profile check written next to the QC reports."""

import json

from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.formats import read_track
from subpipe.formats.imsc import validate

SINTEL = SAMPLES / "sintel" / "Sintel.en.vtt"


def test_localize_delivers_imsc_that_passes_the_profile_with_the_srt_cues(demo_models, tmp_path):
    result = CliRunner().invoke(app, ["localize", str(SINTEL), "--to", "es", "--format", "imsc",
                                      "-o", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    film = tmp_path / "Sintel"
    imsc, srt = film / "Sintel.es.ttml", read_track(film / "Sintel.es.srt")
    assert validate(imsc, expected=srt) == []
    check = json.loads((film / "reports" / "Sintel.es.imsc-check.json").read_text(encoding="utf-8"))
    assert check == {"file": "Sintel.es.ttml", "profile": "IMSC 1.1 Text", "passed": True, "findings": []}
    assert 'xml:lang="es"' in imsc.read_text(encoding="utf-8")


def test_a_format_subpipe_only_reads_is_refused_before_any_work(demo_models, tmp_path):
    result = CliRunner().invoke(app, ["localize", str(SINTEL), "--to", "es", "--format", "stl",
                                      "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot deliver EBU-STL" in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == []
