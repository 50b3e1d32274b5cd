"""Term QA: the target cues linked to each source hit must render the term as the glossary approves."""

import json

import pytest
from conftest import FILMS, SAMPLES

from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.terms.glossary import load_glossary, make_entry
from subpipe.terms.match import match_track
from subpipe.terms.qa import check_terms, load_links

ENTRIES = [
    make_entry("hanging gardens of Babylon", "en", category="place", translations={"de": ["Hängende Gärten von Babylon"]}),
    make_entry("Scales", "en", category="person", do_not_translate=True, case_sensitive=True,
               forbidden={"de": ["Schuppen"]}),
    make_entry("colossus of Rhodes", "en", category="place", translations={"de": ["Koloss von Rhodos"]},
               forbidden={"de": ["Koloss von Rhodes"]}),
    make_entry("Proog", "en", category="person", do_not_translate=True, case_sensitive=True),
    make_entry("kindred spirit", "en", category="idiom", translations={"fr": ["âme sœur"]}),
    make_entry("Barley", "en", category="person", case_sensitive=True, forbidden={"de": ["Gerste"]}),
]


def _tracks():
    source = Track([
        Cue(0, 2000, "You can see the hanging gardens of Babylon!", position=0),   # ok: lemma match
        Cue(3000, 5000, "Good night, Scales.", position=1),                       # ok: kept
        Cue(6000, 8000, "Get him, Scales!", position=2),                          # dnt altered
        Cue(9000, 11000, "The colossus of Rhodes!", position=3),                  # forbidden rendering
        Cue(12000, 14000, "The colossus", position=4),                            # missing, split over cues
        Cue(14100, 16000, "of Rhodes is here.", position=5),
        Cue(17000, 19000, "Proog's way.", position=6),                           # ok: possessive
        Cue(20000, 22000, "A kindred spirit?", position=7),                       # unchecked: no de translation
        Cue(23000, 25000, "Barley, go!", position=8),                             # ok: no forbidden rendering
        Cue(26000, 28000, "Proog!", position=9),                                  # unaligned
    ], lang="en", path="film.en.srt")
    target = Track([
        Cue(0, 2000, "Man sieht die Hängenden Gärten von Babylon!", position=0, line=1),
        Cue(3000, 5000, "Gute Nacht, Scales.", position=1, line=5),
        Cue(6000, 8000, "Hol ihn dir, Schuppen!", position=2, line=9),
        Cue(9000, 11000, "Der Koloss von Rhodes!", position=3, line=13),
        Cue(12000, 16000, "Der Riese ist hier.", position=4, line=17),
        Cue(17000, 19000, "Proogs Weg.", position=5, line=21),
        Cue(20000, 22000, "Eine verwandte Seele?", position=6, line=25),
        Cue(23000, 25000, "Barley, los!", position=7, line=29),
    ], lang="de", path="film.de.srt")
    links = {"links": [{"source": [0], "target": [0], "confidence": 0.9}, {"source": [1], "target": [1]},
                       {"source": [2], "target": [2]}, {"source": [3], "target": [3]},
                       {"source": [4, 5], "target": [4]}, {"source": [6], "target": [5]},
                       {"source": [7], "target": [6]}, {"source": [8], "target": [7]}],
             "unaligned_source": [9]}
    return source, target, links


@pytest.fixture(scope="module")
def qa():
    source, target, links = _tracks()
    return check_terms(match_track(source, ENTRIES), target, links)


def test_each_hit_gets_a_verdict(qa):
    assert [(r.hit.term, r.status) for r in qa.results] == [
        ("hanging gardens of Babylon", "ok"), ("Scales", "ok"), ("Scales", "dnt-altered"),
        ("colossus of Rhodes", "forbidden"), ("colossus of Rhodes", "missing"), ("Proog", "ok"),
        ("kindred spirit", "unchecked"), ("Barley", "ok"), ("Proog", "unaligned")]


def test_verdicts_say_where_and_what(qa):
    ok, _, altered, forbidden, missing = qa.results[:5]
    assert ok.found == ["Hängenden Gärten von Babylon"]
    assert "'Scales' must not be translated but the target reads 'Hol ihn dir, Schuppen!'" in altered.message
    assert forbidden.found == ["Koloss von Rhodes"] and forbidden.expected == ["Koloss von Rhodos"]
    assert missing.hit.positions == (4, 5) and missing.target_positions == (4,)
    assert (missing.target_start_ms, missing.target_end_ms) == (12000, 16000)
    assert missing.to_dict()["source_start"] == "00:00:12,000" and missing.severity == "error"
    finding = missing.to_finding("film.de.srt")
    assert (finding.kind, finding.position, finding.line, finding.severity) == ("term-missing", 4, 17, "error")


def test_summary_counts_only_what_could_be_checked(qa):
    s = qa.summary()
    assert (s["hits"], s["checked"], s["passed"], s["errors"]) == (9, 7, 4, 3)
    assert s["by_status"]["unaligned"] == 1 and s["by_status"]["unchecked"] == 1
    assert len(qa.findings()) == 5


def test_links_from_a_file_and_bad_links(tmp_path):
    path = tmp_path / "links.json"
    path.write_text(json.dumps({"links": [{"source": [0, 1], "target": [2], "confidence": 0.5}]}), encoding="utf-8")
    assert [(lk.source, lk.target, lk.confidence) for lk in load_links(path)] == [((0, 1), (2,), 0.5)]
    path.write_text('{"links": [{"source": [0]}]}', encoding="utf-8")
    with pytest.raises(SubpipeError, match="link 1 needs 'source' and 'target'"):
        load_links(path)
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(SubpipeError, match="not valid JSON") as err:
        load_links(path)
    assert err.value.path == str(path)


def test_the_target_language_must_be_known():
    source, target, links = _tracks()
    target.lang = None
    with pytest.raises(SubpipeError, match="target track's language is unknown"):
        check_terms(match_track(source, ENTRIES), target, links)


def _same_time_links(source, target) -> dict:
    """Links for tracks translated on one timing template (as the Tears of Steel tracks are)."""
    at = {(c.start, c.end): c.position for c in target.cues}
    return {"links": [{"source": [c.position], "target": [at[(c.start, c.end)]]} for c in source.cues
                      if (c.start, c.end) in at]}


def test_real_tracks_tears_of_steel_in_spanish_and_german():
    glossary = load_glossary(SAMPLES / "glossary" / "films.tbx")
    films = FILMS / "tears-of-steel"
    source = read_track(films / "TOS-en.vtt", lang="en")
    hits = match_track(source, glossary)
    spanish = read_track(films / "TOS-es.vtt", lang="es")
    qa_es = check_terms(hits, spanish, _same_time_links(source, spanish))
    problems = [(r.hit.term, r.hit.positions, r.status, r.found) for r in qa_es.results if r.status != "ok"]
    # The Spanish track says "brazo robot" (robot arm), the rendering the glossary forbids, twice; its
    # cue 9 starts 0.8 s later than the English one, so the timing links leave it out.
    assert problems == [("robot hand", (3,), "forbidden", ["brazo robot"]), ("Thom", (8,), "unaligned", []),
                        ("robot hand", (43,), "forbidden", ["brazo robot"])]
    german = read_track(films / "TOS-de.vtt", lang="de")
    qa_de = check_terms(hits, german, _same_time_links(source, german))
    assert qa_de.summary()["passed"] == qa_de.summary()["hits"] == len(hits) == 20


# --- a language per cue ----------------------------------------------------------------------------------

def test_term_qa_of_a_bilingual_film_localized_into_one_of_its_languages():
    """The dinner scene (Mandarin and English) into English: the Chinese cues translated, the English ones
    kept. A term in a kept English cue must stand as it is; a Chinese term must find its approved English."""
    from dinner_scene import dinner

    from subpipe.qc import load_profile
    from subpipe.segment import cues_to_sentences, resegment_sentences

    source = dinner()
    glossary = [make_entry("dumpling", "en", category="other", translations={"zh": ["饺子"]}),
                make_entry("饺子", "zh", category="other", translations={"en": ["dumpling"]}),
                make_entry("新年", "zh", category="holiday", translations={"en": ["Lunar New Year"]})]
    english_for = {"当然了，你最喜欢的韭菜猪肉馅的饺子。": "Of course, your favourite pork and chive dumplings.",
                   "妈，新年快乐！": "Mom, happy New Year!"}
    sentences = cues_to_sentences(source, "en")
    target = resegment_sentences(sentences, [english_for.get(s.text, s.text) for s in sentences], "en",
                                 load_profile("netflix", lang="en"), template=source, keep_langs={"en"}).track
    links = [{"source": [c.position], "target": [c.position]} for c in target.cues]
    qa = check_terms(match_track(source, glossary), target, {"links": links}, target_lang="en")
    assert [(r.hit.term, r.hit.positions, r.status) for r in qa.results] == [
        ("dumpling", (2,), "ok"),  # kept as it is: "Did you make dumplings?"
        ("饺子", (3,), "ok"),       # "...pork and chive dumplings."
        ("新年", (7,), "missing"),  # "happy New Year!": not the approved "Lunar New Year"
    ]
    assert "kept as is" in qa.results[0].message


def test_a_simplified_term_of_a_film_delivered_in_traditional_must_read_in_traditional():
    # the Mandarin cues of the dumplings scene delivered as zh-Hant: 饺子 must stand as 餃子 (OpenCC), and a
    # cue left in Simplified characters is an altered term, not a term kept as it is
    from subpipe.locales import convert_script

    scene = read_track(SAMPLES / "bilingual" / "dumplings.en+zh.srt")
    source = scene.copy(cues=[c for c in scene.cues if "饺子" in c.plain], lang="zh")
    glossary = [make_entry("饺子", "zh", category="food", translations={"en": ["dumplings"]})]
    hits = match_track(source, glossary)
    links = {"links": [{"source": [c.position], "target": [c.position]} for c in source.cues]}
    delivered = source.copy(cues=[c.copy(text=convert_script([c.text], "s2t")[0]) for c in source.cues],
                            lang="zh-Hant")
    qa = check_terms(hits, delivered, links, target_lang="zh-Hant")
    assert qa.results and {r.status for r in qa.results} == {"ok"}
    assert all(r.expected == ["餃子"] for r in qa.results)
    left = check_terms(hits, source.copy(lang="zh-Hant"), links, target_lang="zh-Hant")
    assert {r.status for r in left.results} == {"dnt-altered"}
    # into Simplified zh-CN the term stands as it is
    assert {r.status for r in check_terms(hits, source.copy(lang="zh-CN"), links, target_lang="zh-CN").results} == {"ok"}
