"""Character names found in the film and kept through MT by default (`subpipe.translate.names`), on the
corpus films, through the real spaCy pipelines and Debian's real Apertium."""

import json
import re

from conftest import CORPUS, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.cues import Cue, Track
from subpipe.formats import read_track
from subpipe.terms.glossary import load_glossary
from subpipe.terms.model import Glossary, make_entry
from subpipe.translate.names import find_names, speaker_words, with_names
from subpipe.translate.protect import translate_protected

TOS_EN = SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"
TOS_ES = SAMPLES / "tears-of-steel" / "TearsOfSteel.es.vtt"
GLOSSARY = SAMPLES / "glossary" / "films.csv"
runner = CliRunner()


def human_kept_names(source_path, human_path) -> dict[str, int]:
    """The film's names as the human translation shows them: words it writes capitalised in mid-sentence
    (after a word or a comma) that the source track has too, with their count in the source. Nothing of
    subpipe's detector is used."""
    human = " ".join(" ".join(c.plain.split()) for c in read_track(human_path).cues)
    source = " ".join(" ".join(c.plain.split()) for c in read_track(source_path).cues)
    capitalised = set(re.findall(r"(?<=[\w,;] )[A-Z][a-z]+", human))
    return {w: len(re.findall(rf"(?<!\w){w}(?!\w)", source)) for w in capitalised
            if re.search(rf"(?<!\w){w}(?!\w)", source)}


def occurrences(name: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def test_the_names_found_in_tears_of_steel_are_those_the_human_translation_keeps():
    wanted = human_kept_names(TOS_EN, TOS_ES)
    assert set(wanted) == {"Thom", "Celia", "Barley"}  # the film's three characters, from the human track
    found = find_names(read_track(TOS_EN), "en")
    assert {n.text for n in found} == set(wanted)
    assert {n.text: len(n.positions) for n in found} == wanted
    barley = next(n for n in found if n.text == "Barley")
    assert barley.evidence == ("addressed by name",) and barley.positions == (16,)


def test_a_common_word_capitalised_at_sentence_start_is_not_frozen():
    found = {n.text for n in find_names(read_track(TOS_EN), "en")}
    # "Look Celia", "Memory overwrite complete!", "Robot's memory", "Captain! We have to abort!"
    assert not found & {"Look", "Listen", "Memory", "Robot", "Captain", "Speed", "Sorry", "Fine", "Whatever"}
    track = Track([Cue(0, 1000, "Hope is all we have.", position=0), Cue(1000, 2000, "Hope you slept well.", position=1),
                   Cue(2000, 3000, "Good night, Scales.", position=2)], lang="en")
    assert [n.text for n in find_names(track, "en")] == ["Scales"]
    protected = with_names(None, find_names(track, "en"))
    out, records = translate_protected([c.plain for c in track.cues], protected.entries, "en", "es",
                                       lambda batch: batch)  # the identity "engine" shows what MT sees
    assert [r.text for r in records] == ["Hope is all we have.", "Hope you slept well.", "Good night, ZQ0."]
    assert out[2] == "Good night, Scales."


def test_forms_of_address_words_in_lower_case_and_title_case_are_not_names():
    track = Track([Cue(0, 1000, "Yes, Captain.", position=0), Cue(1000, 2000, "We went to the Effects Demo Panel.",
                                                                 position=1),
                   Cue(2000, 3000, "The robot is here, Robot.", position=2),
                   Cue(3000, 4000, "See you on Monday, Tom.", position=3)], lang="en")
    assert [n.text for n in find_names(track, "en")] == ["Tom"]
    assert find_names(track, "und") == []  # nothing spoken to read the cues in


def test_speakers_voices_and_labels_are_evidence():
    elephants = find_names(read_track(CORPUS / "films" / "elephants-dream" / "elephants-dream-subtitles-en.vtt"), "en")
    assert {n.text: "speaker" in n.evidence for n in elephants} == {"Emo": True, "Proog": True}
    assert speaker_words(Cue(0, 1, "<v Dr Celia Ray>Hi</v>")) == ["Celia", "Ray"]
    labelled = Track([Cue(0, 1000, "BARLEY: Ten minutes.", position=0),
                      Cue(1000, 2000, "Barley, go!", position=1)], lang="en")
    names = {n.text: n.evidence for n in find_names(labelled, "en")}
    assert names == {"BARLEY": ("speaker label",), "Barley": ("speaker",)}


def test_in_a_language_that_capitalises_nouns_only_speakers_count():
    german = read_track(CORPUS / "films" / "elephants-dream" / "elephants-dream-subtitles-de.vtt")
    assert {n.text: n.evidence for n in find_names(german, "de")} == {"Emo": ("speaker",), "Proog": ("speaker",)}
    sintel_de = read_track(CORPUS / "films" / "sintel" / "sintel-de.vtt")
    assert find_names(sintel_de, "de") == []


def test_languages_without_a_tagger_and_french_ner_find_the_same_characters():
    for lang in ("es", "fr", "it"):
        track = read_track(CORPUS / "films" / "sintel" / f"sintel-{lang}.vtt")
        assert {n.text for n in find_names(track, lang)} == {"Scales", "Sintel"}, lang


def test_the_glossary_wins_and_staff_decisions_to_leave_a_term_to_mt_are_kept():
    track = read_track(TOS_EN)
    assert find_names(track, "en", glossary=load_glossary(GLOSSARY)) == []
    cebadilla = Glossary([make_entry("Barley", "en", category="person", translations={"es": "Cebadilla"},
                                     case_sensitive=True)])
    found = find_names(track, "en", glossary=cebadilla)
    assert {n.text for n in found} == {"Thom", "Celia"}
    protection = with_names(cebadilla, found)
    assert protection.entries[0].term == "Barley" and len(protection.entries) == 3
    out, _ = translate_protected(["How's it looking, Barley?"], protection.entries, "en", "es", lambda b: b)
    assert out == ["How's it looking, Cebadilla?"]
    assert {n.text for n in find_names(track, "en", leave=["celia"])} == {"Thom", "Barley"}


def test_the_done_when_command_keeps_every_name_with_apertium_and_no_glossary(tmp_path):
    wanted = human_kept_names(TOS_EN, TOS_ES)
    res = runner.invoke(app, ["localize", str(TOS_EN), "--to", "es", "--engine", "apertium", "-o", str(tmp_path),
                              "--json"])
    assert res.exit_code == 0, res.output
    spanish = " ".join(c.plain for c in read_track(tmp_path / "TearsOfSteel" / "TearsOfSteel.es.vtt").cues)
    for name, count in wanted.items():
        assert occurrences(name, spanish) >= count, (name, spanish)
    assert "Cebada" not in spanish
    summary = json.loads((tmp_path / "TearsOfSteel" / "summary.json").read_text(encoding="utf-8"))
    assert summary["engine"] == "apertium" and summary["protected_names"]["enabled"] is True
    assert {n["name"] for n in summary["protected_names"]["names"]} == set(wanted)
    summary_md = (tmp_path / "TearsOfSteel" / "summary.md").read_text(encoding="utf-8")
    assert "Engine `apertium`; character names kept as written" in summary_md
    reports = tmp_path / "TearsOfSteel" / "reports"
    record = json.loads((reports / "TearsOfSteel.es.protected-terms.json").read_text(encoding="utf-8"))
    assert {r["term"] for r in record} == set(wanted) and {r["origin"] for r in record} == {"film"}
    assert all(r["status"] == "resolved" for r in record)

    off = tmp_path / "off"
    res = runner.invoke(app, ["localize", str(TOS_EN), "--to", "es", "--engine", "apertium", "-o", str(off),
                              "--no-protect-names", "--json"])
    assert res.exit_code == 0, res.output
    plain = " ".join(c.plain for c in read_track(off / "TearsOfSteel" / "TearsOfSteel.es.vtt").cues)
    assert "Cebada" in plain and occurrences("Barley", plain) == 0  # what the default protection prevents
    summary = json.loads((off / "TearsOfSteel" / "summary.json").read_text(encoding="utf-8"))
    assert summary["protected_names"] == {"enabled": False, "names": []}


def test_the_flow_batch_settings_and_run_form_have_the_opt_out(tmp_path):
    from prefect.utilities.callables import parameter_schema

    from flows.batch import batch_settings
    from flows.localize import localize_film
    from flows.params import BatchOptions
    from subpipe.batch import load_settings

    schema = parameter_schema(localize_film.fn).model_dump()
    assert schema["properties"]["protect_names"]["type"] == "boolean"
    assert schema["properties"]["protect_names"]["default"] is True
    assert load_settings(env={}).protect_names is True
    assert load_settings(env={"SUBPIPE_PROTECT_NAMES": "false"}).protect_names is False
    inbox, outbox = str(tmp_path / "in"), str(tmp_path / "out")
    assert batch_settings(inbox, outbox, None, BatchOptions(protect_names=False)).protect_names is False
