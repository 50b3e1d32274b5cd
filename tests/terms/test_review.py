"""Staff review of terms: items from a real flag run, decisions honoured by the glossary protection with the
demo argos model, the per-film store, reuse without asking, and a project glossary in TBX and CSV."""

import json

import pytest
from conftest import SAMPLES

from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.terms import flag_track, load_glossary
from subpipe.terms.qa import check_terms
from subpipe.terms.review import (
    Decision,
    apply_decisions,
    decisions_path,
    load_decisions,
    merge_into_glossary,
    pending_items,
    reuse_decisions,
    review_items,
    run_review,
    store_decisions,
    with_reference_qa,
)
from subpipe.translate.protect import translate_protected

FILM = SAMPLES / "tears-of-steel"
GLOSSARY_CSV = SAMPLES / "glossary" / "films.csv"
WHEN = "2026-12-02T18:00:00Z"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(GLOSSARY_CSV)


@pytest.fixture(scope="module")
def reports(glossary):
    """The film's flag report and term QA of its existing Spanish track (cue positions match one to one)."""
    source = read_track(FILM / "TearsOfSteel.en.vtt", lang="en")
    spanish = read_track(FILM / "TearsOfSteel.es.vtt", lang="es")
    report = flag_track(source, glossary)
    links = [{"source": [c.position], "target": [c.position]} for c in source.cues]
    qa = flag_track(source, glossary, target=spanish, links=links, discover_candidates=False)
    return [report, qa]


def decide(term, action, rendering="", lang="", **kw):
    return Decision(term, action, rendering, who="ana", when=WHEN, lang=lang, **kw)


def test_items_are_the_films_candidates_and_the_glossary_conflicts_with_cues_and_timecodes(reports, glossary):
    items = review_items(reports, glossary)
    assert [(i.term, i.kind) for i in items] == [
        ("freaked out", "candidate"), ("robot hand", "conflict"), ("Move your asses", "candidate"),
        ("broke my heart", "candidate")]  # the scream "Nooooo!" is no name: not given to the recogniser
    freaked, robot = items[0], items[1]
    assert freaked.cues() == [3, 4, 6, 43] and freaked.category == "idiom"
    assert freaked.occurrences[0].timecode() == "00:00:30,800 --> 00:00:34,000"
    assert freaked.describe().startswith("cues 3, 4, 6, 43 at 00:00:30,800 --> 00:00:34,000; ")
    assert robot.cues() == [3, 43] and "forbidden 'brazo robot'" in robot.reason
    assert robot.entry.id == "tos-robot-hand"
    # What happens when nobody decides: a candidate is left to MT, a glossary term keeps its rendering.
    assert (freaked.default_action(["es"]), robot.default_action(["es"])) == ("ignore", "translate")
    assert robot.default_rendering("es") == "mano robótica"


def test_the_film_report_alone_gives_the_candidates_and_a_film_without_any_gives_nothing(reports, glossary):
    assert [i.kind for i in review_items(reports[0], glossary)] == ["candidate"] * 3
    sintel = flag_track(read_track(SAMPLES / "sintel" / "Sintel.en.vtt", lang="en"), glossary)
    assert review_items(sintel, glossary) == []


def test_reference_qa_is_computed_from_alignments(reports, glossary):
    from subpipe.align import align_tracks, load_track

    alignment = align_tracks(reports[0].source, load_track(FILM / "TearsOfSteel.es.vtt"))
    both = with_reference_qa(reports[0], [alignment])
    assert [i.term for i in review_items(both, glossary) if i.kind == "conflict"] == ["robot hand"]


def test_decisions_become_glossary_entries_and_leave_the_input_alone(glossary):
    before = json.dumps(glossary.to_dict(), sort_keys=True)
    decided = apply_decisions(glossary, [
        decide("Nooooo", "keep", category="institution"),
        decide("freaked out", "translate", "muy asustado", "es", note="register: casual"),
        decide("Move your asses", "adapt", "¡Andando!", category="idiom"),
        decide("robot hand", "translate", "mano biónica", "es"),
        decide("Barley", "ignore"),
        decide("broke my heart", "ignore"),
    ], "en", ["es", "fr"])
    assert json.dumps(glossary.to_dict(), sort_keys=True) == before
    by_term = {e.term: e for e in decided}
    assert by_term["Nooooo"].do_not_translate
    assert by_term["freaked out"].approved("es") == ["muy asustado"] and by_term["freaked out"].approved("fr") == []
    assert "review: translate as 'muy asustado' (es) by ana 2026-12-02T18:00:00Z: register: casual" in \
        by_term["freaked out"].note
    assert by_term["Move your asses"].approved("es") == ["¡Andando!"] == by_term["Move your asses"].approved("fr")
    # The decided rendering comes first; the glossary's others stay acceptable, other languages untouched.
    assert by_term["robot hand"].approved("es") == ["mano biónica", "mano robótica"]
    assert by_term["robot hand"].approved("de") == ["Roboterhand"]
    assert not by_term["Barley"].do_not_translate and by_term["Barley"].forbidden_in("es") == ["cebada"]
    assert "broke my heart" not in by_term
    assert len(decided) == len(glossary) + 3


def test_a_decision_is_checked_when_made():
    with pytest.raises(SubpipeError, match="translate needs the rendering"):
        Decision("freaked out", "translate")
    with pytest.raises(SubpipeError, match="unknown action 'explain'"):
        Decision("freaked out", "explain")
    assert Decision("Nooooo", "keep", "ignored text").rendering == ""


def test_protection_with_the_demo_model_honours_every_action(glossary, demo_models):
    from subpipe.translate.argos import ArgosEngine

    engine = ArgosEngine()
    sentences = ["I freaked out when I saw it.", "Move your asses, people!", "Nooooo, not again.",
                 "You broke my heart.", "Celia lost her robot hand."]
    decided = apply_decisions(glossary, [
        decide("freaked out", "translate", "me asusté", "es"),
        decide("Move your asses", "adapt", "Andando"),
        decide("Nooooo", "keep"),
        decide("broke my heart", "ignore"),
        decide("robot hand", "translate", "mano biónica", "es"),
    ], "en", ["es"])
    out, protected = translate_protected(sentences, decided, "en", "es",
                                         lambda batch: engine.translate_batch(batch, "en", "es"))
    slots = {s.entry.term: s for p in protected for s in p.slots}
    assert {t: slots[t].status for t in ("Move your asses", "Nooooo", "robot hand")} == dict.fromkeys(
        ("Move your asses", "Nooooo", "robot hand"), "resolved")
    assert "Andando" in out[1] and "Nooooo" in out[2] and "mano biónica" in out[4]
    # The 0.2 demo model, trained without the films' lines, can drop a placeholder standing for a verb
    # (models/README.md): then the decision is reported unresolved, never delivered wrong in silence.
    assert slots["freaked out"].status in ("resolved", "unresolved")
    assert ("me asusté" in out[0]) == (slots["freaked out"].status == "resolved")
    assert "broke my heart" not in slots and "ZQ" not in " ".join(out)
    plain, _ = translate_protected(sentences[3:4], glossary, "en", "es",
                                   lambda batch: engine.translate_batch(batch, "en", "es"))
    assert out[3] == plain[0]  # ignored: translated as if nobody had flagged it


def test_the_store_round_trips_and_the_latest_decision_on_a_term_wins(tmp_path):
    path = decisions_path(tmp_path, "TearsOfSteel")
    assert path == (tmp_path / "TearsOfSteel" / "review" / "decisions.json").resolve()
    assert load_decisions(path) == []
    first = [decide("freaked out", "translate", "asustado", "es"), decide("Nooooo", "keep", note="a scream")]
    store_decisions(path, first, title="TearsOfSteel", source_lang="en")
    assert load_decisions(path) == first
    later = store_decisions(path, [decide("freaked out", "ignore")], title="TearsOfSteel", source_lang="en")
    assert [(d.term, d.action) for d in later] == [("Nooooo", "keep"), ("freaked out", "ignore")]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["film"] == "TearsOfSteel" and data["source_lang"] == "en"
    assert data["decisions"][0] == {"term": "Nooooo", "action": "keep", "rendering": "", "note": "a scream",
                                         "who": "ana", "when": WHEN, "lang": "", "category": "other"}
    assert [p.name for p in path.parent.iterdir()] == ["decisions.json"]  # no temporary file left


def test_a_broken_store_names_the_file_and_a_title_cannot_leave_the_output_folder(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_text('{"decisions": [\n{"term": "x", "action": "explain"}]}', encoding="utf-8")
    with pytest.raises(SubpipeError, match="decision 1: term 'x': unknown action") as err:
        load_decisions(path)
    assert err.value.path == str(path)
    path.write_text('{"decisions": [\n', encoding="utf-8")
    with pytest.raises(SubpipeError, match="not valid JSON") as err:
        load_decisions(path)
    assert err.value.line == 2
    for title in ("..", "../elsewhere", ""):
        with pytest.raises(SubpipeError, match="inside the output folder"):
            decisions_path(tmp_path, title)


def test_a_review_stores_answers_and_a_later_run_reuses_them_without_asking(reports, glossary, tmp_path):
    store = decisions_path(tmp_path, "TearsOfSteel")
    asked = []

    def staff(pending):
        asked.append([i.term for i in pending])
        return [decide("freaked out", "translate", "me asusté", "es"), decide("robot hand", "keep"),
                decide("Move your asses", "adapt", "¡Andando!", "es")]

    first = run_review("TearsOfSteel", reports, glossary, store=store, target_langs=["es"], ask=staff)
    assert first.status == "reviewed" and first.asked == 4
    assert "undecided, glossary defaults: broke my heart" in first.note
    assert [d.term for d in load_decisions(store)] == ["freaked out", "robot hand", "Move your asses"]

    second = run_review("TearsOfSteel", reports, glossary, store=store, target_langs=["es"],
                        ask=lambda pending: asked.append([i.term for i in pending]) or [
                            decide(i.term, "ignore") for i in pending])
    assert asked[1] == ["broke my heart"]  # only what nobody decided yet

    third = reuse_decisions(tmp_path, ["es"])("TearsOfSteel", reports, glossary)
    assert len(asked) == 2 and third.status == "reused" and third.asked == 0
    assert {e.term: e.do_not_translate for e in third.glossary if e.term in ("robot hand", "Move your asses")} == \
        {"robot hand": True, "Move your asses": False}
    assert third.summary()["by_action"] == {"keep": 1, "translate": 1, "adapt": 1, "ignore": 1}
    assert second.status == "reviewed" and len(second.decisions) == 4


def test_a_run_nobody_answers_or_asks_goes_on_with_the_glossarys_defaults(reports, glossary, tmp_path):
    store = decisions_path(tmp_path, "TearsOfSteel")
    timed_out = run_review("TearsOfSteel", reports, glossary, store=store, target_langs=["es"],
                           ask=lambda pending: None)
    assert timed_out.status == "timed-out" and timed_out.glossary is glossary
    assert timed_out.note == "nobody reviewed 4 terms in time: the glossary's defaults apply"
    skipped = reuse_decisions(tmp_path, ["es"])("TearsOfSteel", reports, glossary)
    assert (skipped.status, skipped.asked) == ("skipped", 0) and not store.exists()
    nothing = reuse_decisions(tmp_path, ["es"])("Sintel", flag_track(
        read_track(SAMPLES / "sintel" / "Sintel.en.vtt", lang="en"), glossary), glossary)
    assert nothing.status == "nothing-to-review"
    assert set(nothing.summary()) == {"status", "note", "items", "asked", "decisions", "by_action", "store"}


def test_merge_writes_a_project_glossary_in_tbx_and_csv_that_the_loader_reads_back(tmp_path, glossary):
    store = decisions_path(tmp_path, "TearsOfSteel")
    store_decisions(store, [decide("Nooooo", "keep", category="other"),
                            decide("freaked out", "translate", "me asusté", "es", category="idiom"),
                            decide("Move your asses", "adapt", "Andando", "es", category="idiom"),
                            decide("robot hand", "translate", "mano biónica", "es"),
                            decide("broke my heart", "ignore")], title="TearsOfSteel", source_lang="en")
    source_bytes = GLOSSARY_CSV.read_bytes()
    for suffix in ("tbx", "csv"):
        out = tmp_path / f"project.{suffix}"
        merged = merge_into_glossary(store, GLOSSARY_CSV, out)
        back = load_glossary(out)
        assert back.format == suffix and len(back) == len(glossary) + 3 == len(merged)
        by_term = {e.term: e for e in back}
        assert by_term["Nooooo"].do_not_translate
        assert by_term["freaked out"].approved("es") == ["me asusté"] and by_term["freaked out"].category == "idiom"
        assert by_term["Move your asses"].approved("es") == ["Andando"]
        assert by_term["robot hand"].approved("es") == ["mano biónica", "mano robótica"]
        assert by_term["robot hand"].forbidden_in("es") == ["brazo robot"]
        assert by_term["Barley"].forbidden_in("de") == ["Gerste"] and by_term["Barley"].case_sensitive
        assert "review: adapt as 'Andando' (es) by ana" in by_term["Move your asses"].note
        assert [(e.term, e.approved("fr")) for e in back][:4] == [(e.term, e.approved("fr")) for e in glossary][:4]
    assert GLOSSARY_CSV.read_bytes() == source_bytes
    with pytest.raises(SubpipeError, match=r"\.tbx or \.csv"):
        merge_into_glossary(store, GLOSSARY_CSV, tmp_path / "project.json")


def test_pending_items_need_a_rendering_for_every_target(reports, glossary):
    items = review_items(reports, glossary)
    decisions = [decide("freaked out", "translate", "me asusté", "es")]
    assert "freaked out" not in [i.term for i in pending_items(items, decisions, ["es"])]
    assert "freaked out" in [i.term for i in pending_items(items, decisions, ["es", "fr"])]


def test_a_decided_conflict_passes_term_qa_on_the_existing_track(reports, glossary):
    """After 'translate robot hand as brazo robot', the existing Spanish track no longer conflicts."""
    decided = apply_decisions(glossary, [decide("robot hand", "translate", "brazo robot", "es")], "en", ["es"])
    qa = check_terms(flag_track(reports[0].source, decided, discover_candidates=False).hits,
                     read_track(FILM / "TearsOfSteel.es.vtt", lang="es"),
                     [{"source": [c.position], "target": [c.position]} for c in reports[0].source.cues],
                     target_lang="es")
    assert [r.status for r in qa.results if r.hit.term == "robot hand"] == ["ok", "ok"]


def test_cli_review_show_and_merge_into_tbx_and_csv(tmp_path, glossary):
    from typer.testing import CliRunner

    from subpipe.cli import app

    runner = CliRunner()
    film = tmp_path / "out" / "TearsOfSteel"
    store_decisions(decisions_path(tmp_path / "out", "TearsOfSteel"),
                    [decide("Nooooo", "keep"), decide("freaked out", "translate", "me asusté", "es", category="idiom")],
                    title="TearsOfSteel", source_lang="en")
    shown = runner.invoke(app, ["review", "show", str(film), "--json"])
    assert shown.exit_code == 0, shown.output
    assert [(d["term"], d["who"], d["when"]) for d in json.loads(shown.output)] == [
        ("Nooooo", "ana", WHEN), ("freaked out", "ana", WHEN)]

    tbx, csv_out = tmp_path / "project.tbx", tmp_path / "project.csv"
    merged = runner.invoke(app, ["review", "merge", str(film), "--glossary", str(GLOSSARY_CSV), "-o", str(tbx),
                                 "-o", str(csv_out), "--json"])
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.output) == {"decisions": 2, "outputs": {str(tbx): len(glossary) + 2,
                                                                      str(csv_out): len(glossary) + 2}}
    for path in (tbx, csv_out):
        assert {e.term: e.approved("es") for e in load_glossary(path)}["freaked out"] == ["me asusté"]

    missing = runner.invoke(app, ["review", "merge", str(tmp_path / "nothing"), "-o", str(tbx)])
    assert missing.exit_code == 1 and "no review decisions here" in " ".join(missing.output.split())
