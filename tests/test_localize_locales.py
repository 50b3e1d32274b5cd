"""Localizing into locales (issue 13): file names, typography, units and routes per locale."""
import json
from pathlib import Path

from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.formats import read_track
from subpipe.localize import localize_film
from subpipe.translate import get_engine

TOS = SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"
QUANTITIES = Path(__file__).parent / "qc" / "data" / "quantities.en.srt"


def test_cli_delivers_each_locale_and_names_the_one_without_a_route(demo_models, tmp_path):
    result = CliRunner().invoke(app, ["localize", str(TOS), "--to", "es-ES", "--to", "es_419", "--to", "fr-ca",
                                      "--to", "zh-Hant", "-o", str(tmp_path), "--json"])
    assert result.exit_code == 1  # partially failed
    summary = json.loads((tmp_path / "TearsOfSteel" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "partially failed"
    assert list(summary["languages"]) == ["es-ES", "es-419", "fr-CA"]
    zh = summary["failed_languages"]["zh-Hant"]
    assert zh["code"] == "missing-pair" and "en->zh-Hant" in zh["message"] and "en->zt, en->zh" in zh["message"]
    film = tmp_path / "TearsOfSteel"
    for tag in ("es-ES", "es-419", "fr-CA"):
        assert read_track(film / f"TearsOfSteel.{tag}.srt").cues
        assert (film / f"TearsOfSteel.{tag}.vtt").exists() and (film / f"TearsOfSteel.en+{tag}.ass").exists()
        assert (film / "reports" / f"TearsOfSteel.{tag}.qc.json").exists()
    assert not list(film.glob("*zh*"))
    # fr-CA typography on the delivered track: no space before ! and ?
    french = [c.plain for c in read_track(film / "TearsOfSteel.fr-CA.srt").cues]
    assert not any(" !" in t or " ?" in t for t in french) and any(t.endswith("!") for t in french)


def test_a_locale_no_model_reaches_alone_is_refused_before_any_work(demo_models, tmp_path):
    result = CliRunner().invoke(app, ["localize", str(TOS), "--to", "zh-Hant", "--to", "ja", "-o", str(tmp_path)])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "en->zh-Hant" in said and "en->ja" in said
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_tag_is_refused_naming_the_option(tmp_path):
    result = CliRunner().invoke(app, ["localize", str(TOS), "--to", "es", "--to", "xx-YY", "-o", str(tmp_path)])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "--to: 'xx-YY' is not a language tag in the IANA registry" in said and str(TOS) in said
    assert list(tmp_path.iterdir()) == []


def test_es_es_and_es_419_differ_where_the_source_quotes(tmp_path):
    # Apertium keeps the quotation marks the demo argos models drop.
    result = localize_film(TOS, ["es-ES", "es-419"], output_dir=tmp_path, engine=get_engine("apertium"))
    assert result.status == "completed"
    es = {c.position: c.text for c in read_track(tmp_path / "TearsOfSteel" / "TearsOfSteel.es-ES.srt").cues}
    latam = {c.position: c.text for c in read_track(tmp_path / "TearsOfSteel" / "TearsOfSteel.es-419.srt").cues}
    differ = [p for p in es if es[p] != latam.get(p)]
    assert len(differ) == 1
    p = differ[0]
    assert es[p].startswith("«") and "»" in es[p] and latam[p].startswith("“") and "”" in latam[p]
    summary = json.loads((tmp_path / "TearsOfSteel" / "summary.json").read_text(encoding="utf-8"))
    fixes = summary["languages"]["es-ES"]["fixes"]
    assert fixes >= 1


def test_imperial_units_get_a_finding_in_a_metric_locale_written_its_way(tmp_path):
    result = localize_film(QUANTITIES, ["es-ES", "es-419", "es-US"], output_dir=tmp_path,
                           engine=get_engine("apertium"))
    assert result.status == "completed"

    def units(tag):
        return [f for f in result.languages[tag].qc if f.kind == "locale-units"]

    assert [f.position for f in units("es-ES")] == [0, 1, 2]
    assert "≈ 8,05 km" in units("es-ES")[0].message and "≈ 1,59 kg" in units("es-ES")[1].message
    assert "≈ 32,2 °C" in units("es-ES")[2].message
    assert "≈ 8.05 km" in units("es-419")[0].message
    assert units("es-US") == []  # the United States read miles
    report = json.loads((tmp_path / "quantities" / "reports" / "quantities.es-ES.qc.json")
                        .read_text(encoding="utf-8"))
    assert "locale-units" in {f["kind"] for f in report["findings"]}
    es = {c.position: c.text for c in read_track(tmp_path / "quantities" / "quantities.es-ES.srt").cues}
    assert "3,5" in es[1] and "«" in es[3]
