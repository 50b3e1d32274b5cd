"""`subpipe flag` on the sample films: reports by extension or into a folder, JSON, QA, exit status."""

import json

from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.formats import read_track

runner = CliRunner()
TOS = SAMPLES / "tears-of-steel"
TOS_EN, TOS_ES = TOS / "TearsOfSteel.en.vtt", TOS / "TearsOfSteel.es.vtt"
GLOSSARY_CSV = SAMPLES / "glossary" / "films.csv"
GLOSSARY_TBX = SAMPLES / "glossary" / "films.tbx"


def _links(tmp_path):
    """links.json pairing cues with identical timings (the Tears of Steel tracks share one template)."""
    source, target = read_track(TOS_EN), read_track(TOS_ES)
    at = {(c.start, c.end): c.position for c in target.cues}
    links = [{"source": [c.position], "target": [at[(c.start, c.end)]], "confidence": 1.0}
             for c in source.cues if (c.start, c.end) in at]
    path = tmp_path / "links.json"
    path.write_text(json.dumps({"links": links}), encoding="utf-8")
    return path


def test_flag_writes_json_markdown_and_csv_into_a_folder(tmp_path):
    out = tmp_path / "reports"
    res = runner.invoke(app, ["flag", str(TOS_EN), "--glossary", str(GLOSSARY_CSV), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Culture-specific terms: TearsOfSteel.en.vtt (en)" in res.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["TearsOfSteel.en.terms.csv", "TearsOfSteel.en.terms.json", "TearsOfSteel.en.terms.md"]
    data = json.loads((out / "TearsOfSteel.en.terms.json").read_text(encoding="utf-8"))
    assert data["summary"]["hits"] == 20 and data["qa"] is None
    csv_text = (out / "TearsOfSteel.en.terms.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("kind,positions,start,end,term,text,category,action,severity,message")
    assert 'glossary,3,"00:00:30,800","00:00:34,000",robot hand,robot hand,other,translate' in csv_text
    md = (out / "TearsOfSteel.en.terms.md").read_text(encoding="utf-8")
    assert "## Candidates the glossary lacks" in md and str(out / "TearsOfSteel.en.terms.csv") in md


def test_flag_one_report_by_extension_and_json_on_stdout(tmp_path):
    report = tmp_path / "terms.md"
    res = runner.invoke(app, ["flag", str(TOS_EN), "-g", str(GLOSSARY_TBX), "-o", str(report), "--json",
                              "--no-discover"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["outputs"] == {"markdown": str(report)} and data["candidates"] == []
    assert {h["term"] for h in data["hits"]} >= {"Thom", "Celia", "Barley", "robot hand"}
    assert report.read_text(encoding="utf-8").startswith("# Culture-specific terms")


def test_flag_with_target_and_links_checks_the_localization(tmp_path):
    links = _links(tmp_path)
    args = ["flag", str(TOS_EN), "-g", str(GLOSSARY_CSV), "--target", str(TOS_ES), "--links", str(links), "--json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    qa = json.loads(res.stdout)["qa"]
    assert qa["summary"]["errors"] == 2 and qa["summary"]["lang"] == "es"
    forbidden = [r for r in qa["results"] if r["status"] == "forbidden"]
    assert [(r["source_positions"], r["found"]) for r in forbidden] == [([3], ["brazo robot"]), ([43], ["brazo robot"])]
    assert runner.invoke(app, args + ["--strict"]).exit_code == 1


def test_flag_usage_and_input_errors(tmp_path):
    res = runner.invoke(app, ["flag", str(TOS_EN), "-g", str(GLOSSARY_CSV), "--target", str(TOS_ES)])
    assert res.exit_code == 2 and "--links" in res.output
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category\nSir,royalty\n", encoding="utf-8")
    res = runner.invoke(app, ["flag", str(TOS_EN), "-g", str(bad), "--json"])
    assert res.exit_code == 1
    err = json.loads(res.stdout)
    assert err["path"] == str(bad) and err["line"] == 2 and "unknown category 'royalty'" in err["message"]
