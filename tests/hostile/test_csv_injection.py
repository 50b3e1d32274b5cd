"""Formula injection (issue 9, case 4): cells from subtitle text and file names reach every CSV neutralised.

A spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) as a
formula. Each CSV subpipe writes is read back with the `csv` module: a hostile cell must come back with
one leading single quote, as OWASP recommends, and plain negative numbers must stay numbers.
"""

import csv
import io

import pytest
from conftest import SAMPLES

from subpipe.batch import BatchSettings, rows_csv, run_batch
from subpipe.cues import Cue, Track
from subpipe.formats import write_track
from subpipe.ingest import ingest_file, write_run_reports
from subpipe.reports import csv_text, neutralise_cell
from subpipe.terms import flag_track, load_glossary
from subpipe.terms.report import write_reports

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "-Scales", "+1", "\t=1"]
# A file name cannot hold "/", so the hyperlink travels in subtitle text only.
HOSTILE_NAMES = ["@SUM(1+1)", "-Scales", "+1", "\t=1", "=1+2"]


def read_cells(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def runs_as_formula(cell: str) -> bool:
    return bool(cell) and cell.lstrip()[:1] in tuple("=+-@\t\r") and not cell.lstrip("-").isdigit()


def assert_neutralised(cell: str, original: str) -> None:
    assert cell.startswith("'"), f"{cell!r} would run as a formula"
    assert cell[1:] == original


@pytest.mark.parametrize("value", HOSTILE + ["＝1+1", "  =1", "\r=1", "-", "-1e5", "@", "- 3"])
def test_every_formula_start_gets_a_quote_and_survives_a_round_trip(value):
    [row] = read_cells(csv_text([{"cell": value}]))
    assert_neutralised(row["cell"], value)


@pytest.mark.parametrize("value", ["-12", "-0.5", "12", "3.5", "a-b", "Mr. =", "", "'quoted"])
def test_numbers_and_ordinary_text_are_left_as_they_are(value):
    assert neutralise_cell(value) == (value, False)
    [row] = read_cells(csv_text([{"cell": value}]))
    assert row["cell"] == value


def test_a_neutralised_cell_is_always_quoted_and_quotes_are_doubled():
    assert csv_text([{"c": '=HYPERLINK("http://x","y")'}]) == 'c\n"\'=HYPERLINK(""http://x"",""y"")"\n'


def _hostile_track(path) -> Track:
    cues = [Cue(1000 + 3000 * i, 3000 + 3000 * i, f"{text} is what she said.", position=i)
            for i, text in enumerate(HOSTILE)]
    return Track(cues, path=str(path), lang="en")


def test_terms_csv_neutralises_terms_and_text_from_the_subtitle_and_the_glossary(tmp_path):
    glossary = tmp_path / "hostile.csv"
    glossary.write_text("term,case_sensitive,de\n" + "".join(
        f'"{t.strip().replace(chr(34), chr(34) * 2)}",yes,"{t.strip().replace(chr(34), chr(34) * 2)}"\n'
        for t in HOSTILE), encoding="utf-8")
    track = _hostile_track(tmp_path / "film.en.srt")
    report = flag_track(track, load_glossary(glossary, lang="en"), discover_candidates=False)
    written = write_reports(report, tmp_path / "out.csv")
    rows = read_cells(written["csv"].read_text(encoding="utf-8"))
    terms = {r["term"] for r in rows}
    assert {"'@SUM(1+1)", "'-Scales", "'+1", "'=1", '\'=HYPERLINK("http://x","y")'} <= terms
    for row in rows:
        for cell in row.values():
            assert not runs_as_formula(cell), row
        # the approved German rendering is the term itself: it reaches the message cell inside text
        assert row["message"].startswith("approved: de: ")


def test_findings_csv_neutralises_the_file_names_it_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    results = []
    for name in HOSTILE_NAMES:
        # a cue ending without a blank line and with an over-long line gives QC findings for the file
        path = write_track(Track([Cue(0, 500, "x" * 90, position=0)], lang="en"), f"{name}.en.srt")
        results.append(ingest_file(path.name))
    written = write_run_reports(tmp_path / "out", results, [])
    rows = read_cells(written["csv"].read_text(encoding="utf-8"))
    assert rows
    names = {r["path"] for r in rows}
    assert names == {"'" + f"{n}.en.srt" for n in HOSTILE_NAMES}


def test_batch_csv_neutralises_film_titles_from_file_names(tmp_path):
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    for name in HOSTILE_NAMES:
        if "\t" in name:
            continue  # the batch refuses names with control characters before they become titles
        (inbox / f"{name}.en.srt").write_text("this is not a subtitle\n", encoding="utf-8")
    result = run_batch(BatchSettings(inbox=inbox, outbox=outbox, glossaries=tmp_path, target_languages=["es"]))
    text = (outbox / "batches" / result.batch / "batch.csv").read_text(encoding="utf-8")
    films = {r["film"] for r in read_cells(text)}
    assert films == {"'" + n for n in HOSTILE_NAMES if "\t" not in n}


def test_batch_rows_go_through_the_one_writer():
    rows = [{"film": "-Scales", "lang": "es", "seconds": -1}]
    assert rows_csv(rows) == csv_text(rows) == "film,lang,seconds\n\"'-Scales\",es,-1\n"
    assert rows_csv([]) == ""


def test_sample_glossary_writes_unchanged_cells(tmp_path):
    """Ordinary reports keep their look: nothing in the sample film's terms CSV needs a quote."""
    from subpipe.terms import flag_file

    report = flag_file(SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt", SAMPLES / "glossary" / "films.csv")
    rows = read_cells(write_reports(report, tmp_path / "t.csv")["csv"].read_text(encoding="utf-8"))
    assert rows and not any(cell.startswith("'") for row in rows for cell in row.values())


def test_a_glossary_written_by_the_csv_writer_reads_back_with_its_terms_intact(tmp_path):
    from subpipe.reports import write_csv

    terms = ["-Scales", "@home", "+1 club", "=HYPERLINK", "'quoted'", "-12"]
    path = write_csv(tmp_path / "export.csv", [{"term": t, "de": t.upper()} for t in terms], ["term", "de"])
    assert "'-Scales" in path.read_text(encoding="utf-8")
    glossary = load_glossary(path, lang="en")
    assert [e.term for e in glossary] == terms
    assert [e.approved("de") for e in glossary] == [[t.upper()] for t in terms]
