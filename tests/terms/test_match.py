"""Matching glossary terms in tracks: inflections, multiword terms, terms split across cues, case.

The test set below is written for the purpose: each case is a run of cues and the hits it must give.
Recall and precision over the whole set must both be 100%.
"""

import pytest
from conftest import FILMS, SAMPLES

from subpipe.cues import Cue, Track
from subpipe.formats import read_track
from subpipe.terms.glossary import load_glossary, make_entry
from subpipe.terms.match import analyze_track, build_passages, find_terms, match_track

GLOSSARY = [
    make_entry("honoured elder", "en", category="honorific"),
    make_entry("elder", "en", category="honorific"),
    make_entry("colossus of Rhodes", "en", category="place"),
    make_entry("Emo", "en", category="person", case_sensitive=True, do_not_translate=True),
    make_entry("Barley", "en", category="person", case_sensitive=True),
    make_entry("Sir", "en", category="honorific"),
    make_entry("happy new year", "en", category="holiday"),
    make_entry("land of the gatekeepers", "en", category="place"),
    make_entry("robot hand", "en"),
    make_entry("rain cats and dogs", "en", category="idiom"),
    make_entry("Thanksgiving dinner", "en", category="food"),
]

# (cues, expected hits as (term, cue indexes within the case))
CASES = [
    # inflections
    (["We thank the honoured elders."], {("honoured elder", (0,))}),
    (["The honoured elder speaks."], {("honoured elder", (0,))}),
    (["Honoured Elders, welcome."], {("honoured elder", (0,))}),
    (["HONOURED ELDERS OF THE VALLEY"], {("honoured elder", (0,))}),
    (["It's raining cats and dogs."], {("rain cats and dogs", (0,))}),
    (["It rained cats and dogs all night."], {("rain cats and dogs", (0,))}),
    (["What brings you to the lands of the gatekeepers?"], {("land of the gatekeepers", (0,))}),
    (["Two Thanksgiving dinners in a row!"], {("Thanksgiving dinner", (0,))}),
    # multiword terms, with markup and line breaks in the cue
    (["<i>The colossus of Rhodes</i>\nand it is here for you."], {("colossus of Rhodes", (0,))}),
    (["He lost his robot   hand."], {("robot hand", (0,))}),
    # split across two cues
    (["We thank the honoured", "elders of the valley."], {("honoured elder", (0, 1))}),
    (["...the colossus", "of Rhodes!"], {("colossus of Rhodes", (0, 1))}),
    (["Happy new", "year to all of you!"], {("happy new year", (0, 1))}),
    (["One move and it's raining cats...", "...and dogs."], {("rain cats and dogs", (0, 1))}),
    # case-sensitive terms
    (["Emo, listen to me."], {("Emo", (0,))}),
    (["Barley, how's it looking?"], {("Barley", (0,))}),
    (["Is that Emo's hat?"], {("Emo", (0,))}),
    (["Yes, SIR!"], {("Sir", (0,))}),
    # nested: the longer term wins, the shorter one alone still counts
    (["We honour our honoured elders."], {("honoured elder", (0,))}),
    (["The elder honoured us."], {("elder", (0,))}),
    # none of these may match
    (["I like emo music."], set()),
    (["Pass the barley, please."], set()),
    (["Sirloin steak for two."], set()),
    (["Happy.", "New year, new rules."], set()),
    (["The gatekeepers' land is far."], set()),
    (["- Give me the robot", "- Hand it over!"], set()),
    (["Is it the colossus", "of Rhodes?"], {("colossus of Rhodes", (0, 1))}),
    (["Cats and dogs were everywhere."], set()),
]
GAP_MS = 60_000  # cases are a minute apart, so no passage runs from one case into the next


def _test_track() -> tuple[Track, list[tuple[int, set]]]:
    cues, expected = [], []
    for n, (texts, hits) in enumerate(CASES):
        first = len(cues)
        for i, text in enumerate(texts):
            start = n * GAP_MS + i * 2100
            cues.append(Cue(start, start + 2000, text, position=len(cues)))
        expected.append((first, {(term, tuple(first + i for i in idx)) for term, idx in hits}))
    return Track(cues, lang="en"), expected


@pytest.fixture(scope="module")
def test_set_hits():
    track, expected = _test_track()
    return track, expected, match_track(track, GLOSSARY)


def test_recall_and_precision_are_100_percent_on_the_test_set(test_set_hits):
    _, expected, hits = test_set_hits
    wanted = set().union(*(e for _, e in expected))
    found = {(h.term, h.positions) for h in hits}
    true_positives = found & wanted
    assert len(wanted) == 21
    assert len(true_positives) / len(wanted) == 1.0, f"missed: {wanted - found}"
    assert len(true_positives) / len(found) == 1.0, f"spurious: {found - wanted}"


@pytest.mark.parametrize("case", range(len(CASES)), ids=[" / ".join(c[0])[:40] for c in CASES])
def test_each_case_of_the_test_set(test_set_hits, case):
    track, expected, hits = test_set_hits
    first, wanted = expected[case]
    last = first + len(CASES[case][0])
    assert {(h.term, h.positions) for h in hits if first <= h.positions[0] < last} == wanted


def test_hits_point_at_their_words_in_each_cue_and_carry_timecodes(test_set_hits):
    track, _, hits = test_set_hits
    cues = track.by_position()
    for hit in hits:
        words = " ".join(cues[s.position].plain[s.start:s.end] for s in hit.spans)
        assert " ".join(words.split()) == hit.text
        assert hit.start_ms == cues[hit.positions[0]].start and hit.end_ms == cues[hit.positions[-1]].end
    split = next(h for h in hits if h.text == "honoured elders" and len(h.positions) == 2)
    assert split.match == "lemma" and split.timecode().startswith("00:10:00,000 --> 00:10:04,100")


def test_how_each_hit_matched():
    track = Track([Cue(0, 1000, "Honoured elder!", position=0), Cue(5000, 6000, "honoured elders", position=1),
                   Cue(9000, 9500, "Emo.", position=2)], lang="en")
    hits = match_track(track, GLOSSARY)
    assert [(h.text, h.match) for h in hits] == [("Honoured elder", "case"), ("honoured elders", "lemma"),
                                                 ("Emo", "exact")]


def test_passages_follow_sentences_speakers_and_pauses():
    cues = [Cue(0, 1000, "<v Proog>At the right we can see the...</v>", position=0),
            Cue(1100, 2000, "<v Proog>...the head-snarlers</v>", position=1),
            Cue(2100, 3000, "<v Emo>Everything is safe.</v>", position=2),
            Cue(3100, 4000, "and then", position=3),
            Cue(9000, 10000, "much later", position=4),
            Cue(10100, 11000, "", position=5)]
    assert [[c.position for c in p.cues] for p in build_passages(cues)] == [[0, 1], [2], [3], [4]]


def test_only_entries_of_the_track_language_are_matched():
    track = Track([Cue(0, 1000, "Señor, the colossus of Rhodes.", position=0)], lang="en")
    entries = [make_entry("Señor", "es"), make_entry("colossus of Rhodes", "en")]
    assert [h.term for h in find_terms(analyze_track(track, "en"), entries)] == ["colossus of Rhodes"]


# --- real text ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def films_glossary():
    return load_glossary(SAMPLES / "glossary" / "films.csv")


@pytest.mark.parametrize("path, counts", [
    ("elephants-dream/elephants-dream-subtitles-en.vtt",
     {"Emo": 20, "Proog": 5, "colossus of Rhodes": 2, "head-snarler": 1, "like clockwork": 1,
      "ground to a pulp": 1, "hanging gardens of Babylon": 1}),
    ("tears-of-steel/TOS-en.vtt",
     {"Thom": 5, "Celia": 4, "jerk": 2, "robot hand": 2, "rockstar": 1, "Barley": 1, "all systems go": 1,
      "Vivacissimo": 1, "ad-lib": 1, "quiet on set": 1, "Captain": 1}),
    ("sintel/sintel-en.vtt",
     {"Scales": 7, "land of the gatekeepers": 1, "kindred spirit": 1, "dragon lands": 1, "Sintel": 1}),
])
def test_the_films_glossary_on_the_films(films_glossary, path, counts):
    track = read_track(FILMS / path, lang="en")
    found: dict[str, int] = {}
    for hit in match_track(track, films_glossary):
        found[hit.term] = found.get(hit.term, 0) + 1
    assert found == counts


def test_a_real_inflected_and_split_term(films_glossary):
    track = read_track(FILMS / "elephants-dream" / "elephants-dream-subtitles-en.vtt", lang="en")
    snarlers = next(h for h in match_track(track, films_glossary) if h.term == "head-snarler")
    assert (snarlers.text, snarlers.match, snarlers.positions) == ("head-snarlers", "lemma", (2,))
    # Cue 1 ends "we can see the..." and cue 2 goes on "...the head-snarlers": one passage, read
    # without the ellipses of the convention.
    passage = next(p for p in build_passages(track.cues) if 2 in [c.position for c in p.cues])
    assert [c.position for c in passage.cues][:2] == [1, 2]
    assert passage.text.startswith("At the right we can see the the head-snarlers")


# --- a language per cue ----------------------------------------------------------------------------------

BILINGUAL = [
    make_entry("dumpling", "en", category="other", translations={"zh": ["饺子"]}),
    make_entry("饺子", "zh", category="other", translations={"en": ["dumplings"]}),
    make_entry("新年", "zh", category="holiday", translations={"en": ["New Year"]}),
    make_entry("дракон", "ru", category="other", translations={"en": ["dragon"]}),
]


def test_each_cue_is_matched_in_its_own_language():
    from dinner_scene import dinner

    hits = [(h.entry.term, h.text, h.positions, h.match) for h in match_track(dinner(), BILINGUAL)]
    assert hits == [("dumpling", "dumplings", (2,), "lemma"), ("饺子", "饺子", (3,), "exact"),
                    ("新年", "新年", (7,), "exact")]
    # Read as one English track, the Chinese terms are never looked for.
    assert [h.entry.term for h in match_track(dinner(with_langs=False), BILINGUAL)] == ["dumpling"]


def test_a_russian_scene_is_matched_on_russian_lemmas():
    english = read_track(FILMS / "sintel" / "sintel-en.vtt", lang="en")
    russian = read_track(FILMS / "sintel" / "sintel-ru.vtt", lang="ru")
    mixed = english.copy(cues=[russian.cues[i].copy(lang="ru") if 19 <= i <= 22 else c
                               for i, c in enumerate(english.cues)])
    found = [(h.entry.term, h.text, h.positions, h.match) for h in match_track(mixed, BILINGUAL)]
    assert found == [("дракон", "драконов", (21,), "lemma")]  # "до земли драконов": genitive plural


def test_passages_stop_at_a_change_of_language():
    english = read_track(FILMS / "tears-of-steel" / "TOS-en.vtt", lang="en")
    german = read_track(FILMS / "tears-of-steel" / "TOS-de.vtt", lang="de")
    assert "that I'm being chased by these giant robotic claws of death" in \
        [p.text for p in build_passages(english.cues[6:8], lang="en")][0]
    mixed = [english.cues[6].copy(lang="en"), german.cues[7].copy(lang="de")]
    assert [p.text for p in build_passages(mixed, lang="en")] == \
        ["I'm freaked out! I have nightmares that I'm being chased..."]
    assert [p.text for p in build_passages(mixed, lang="de")] == ["...von diesen riesigen Roboter Todesklauen..."]
    # Without a language, passages are built as they always were.
    assert len(build_passages(mixed)) == 1


def test_the_lines_of_a_two_language_cue_are_read_each_in_its_language():
    cue = Cue(0, 3000, "- 饺子好了！\n- Dumplings! Finally.", position=0, lang="zh", line_langs=("zh", "en"))
    assert [p.text for p in build_passages([cue], lang="zh")] == ["- 饺子好了！"]
    assert [p.text for p in build_passages([cue], lang="en")] == ["- Dumplings! Finally."]
    hits = match_track(Track([cue], lang="en"), BILINGUAL)
    assert [(h.entry.term, h.spans[0].start, h.spans[0].end) for h in hits] == [("饺子", 2, 4), ("dumpling", 10, 19)]


def test_flagging_a_bilingual_track_reads_each_language():
    from dinner_scene import dinner

    from subpipe.terms.flag import flag_track
    from subpipe.terms.glossary import Glossary

    report = flag_track(dinner(), Glossary(BILINGUAL))
    assert [(h.entry.term, h.positions) for h in report.hits] == [("dumpling", (2,)), ("饺子", (3,)), ("新年", (7,))]
    # Candidates come from the English cues only (the music cue is not a name).
    assert [(c.text, c.positions) for c in report.candidates] == [("Grandma", (0,)), ("Grandma", (8,))]


def test_a_language_spacy_cannot_read_here_leaves_the_others_flagged():
    """Japanese needs SudachiPy, which this project does not install: a film in English and Japanese still
    gets its English terms, and the report says the Japanese cues were not read."""
    from dinner_scene import dinner

    from subpipe.errors import SubpipeError
    from subpipe.terms.flag import flag_track
    from subpipe.terms.glossary import Glossary

    track = dinner()
    for cue in track.cues:
        if cue.lang == "zh":  # the same cues, as a Japanese-speaking grandmother's (the text does not matter)
            cue.lang = "ja"
    track.cues[4].line_langs = ("ja", "en")
    report = flag_track(track, Glossary(BILINGUAL))
    assert [(h.entry.term, h.positions) for h in report.hits] == [("dumpling", (2,))]
    assert list(report.summary()["languages_not_read"]) == ["ja"]
    assert "SudachiPy" in report.unread["ja"]
    with pytest.raises(SubpipeError, match="SudachiPy"):
        match_track(track, BILINGUAL)  # the one-call form says it rather than leave cues out


def _hit_rows(hits):
    return [(h.term, h.text, h.positions, h.match, h.start_ms, h.end_ms) for h in hits]


def test_matching_without_the_entity_recogniser_finds_the_same_hits(films_glossary):
    from subpipe.terms.match import clear_analysis_cache

    track = read_track(FILMS / "tears-of-steel" / "TOS-en.vtt", lang="en")
    clear_analysis_cache()
    with_entities = analyze_track(track, "en")
    without = analyze_track(track, "en", entities=False)
    assert any(with_entities.entities) and without.entities is None
    assert _hit_rows(find_terms(without, films_glossary)) == _hit_rows(find_terms(with_entities, films_glossary))


def test_a_text_analysed_once_is_not_analysed_again(films_glossary):
    from subpipe.terms import match

    track = read_track(FILMS / "elephants-dream" / "elephants-dream-subtitles-en.vtt", lang="en")
    match.clear_analysis_cache()
    first = analyze_track(track, "en")
    hits = _hit_rows(find_terms(first, films_glossary))
    cached_terms = dict(match._term_keys)
    assert cached_terms and all(lang == "en" for lang, _ in cached_terms)
    again = analyze_track(track, "en")
    assert all(a is b for a, b in zip(first.docs, again.docs))  # the same docs, not piped again
    assert _hit_rows(find_terms(again, films_glossary)) == hits
    match.clear_analysis_cache()
    fresh = analyze_track(track, "en")
    assert not any(a is b for a, b in zip(first.docs, fresh.docs))
    assert _hit_rows(find_terms(fresh, films_glossary)) == hits


# --- which passages the entity recogniser reads ---------------------------------------------------------
# Discovery keeps names of people, places, groups, organisations, events and works; the recogniser, the
# costliest component, reads only the passages that may hold one (`needs_entities`).

ENGLISH_FILMS = [FILMS / "elephants-dream" / "elephants-dream-subtitles-en.vtt", FILMS / "sintel" / "sintel-en.vtt",
                 FILMS / "tears-of-steel" / "TOS-en.vtt"]
FRENCH_FILMS = [FILMS / "sintel" / "sintel-fr.vtt", FILMS / "tears-of-steel" / "TOS-fr-Goofy.vtt"]
# The recogniser's mistakes on exclamations: the passages left out hold nothing else it finds.
NOT_NAMES = {"Nooooo", "Coupez"}


@pytest.mark.parametrize("lang, paths", [("en", ENGLISH_FILMS), ("fr", FRENCH_FILMS)])
def test_every_entity_the_full_pipeline_finds_is_in_a_passage_the_recogniser_reads(lang, paths):
    from subpipe.nlp import load_pipeline
    from subpipe.terms.discover import NER_LABELS
    from subpipe.terms.match import needs_entities

    nlp = load_pipeline(lang)
    read_total = passages_total = 0
    for path in paths:
        analysis = analyze_track(read_track(path, lang=lang), lang)
        texts = [p.text for p in analysis.passages]
        full = list(nlp.pipe(texts, disable=["parser"]))  # every passage through the whole pipeline
        read = needs_entities(analysis.passages, full)
        for passage, doc, was_read, found in zip(analysis.passages, full, read, analysis.entities):
            kept = [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in NER_LABELS]
            if was_read:  # the recogniser alone on the passage finds what the whole pipeline finds
                assert [e for e in found if e.label in NER_LABELS] == kept, passage.text
            else:
                assert found == () and {passage.text[s:e] for s, e, _ in kept} <= NOT_NAMES, passage.text
        read_total, passages_total = read_total + sum(read), passages_total + len(read)
    assert read_total < 0.5 * passages_total  # most subtitle passages name nobody


def test_a_name_called_out_alone_is_read_when_the_film_writes_it_inside_a_sentence():
    lines = ["Scales?", "Good night, Scales.", "Nooooo!", "We went home."]
    analysis = analyze_track(Track([Cue(i * 5000, i * 5000 + 2000, t, position=i) for i, t in enumerate(lines)]), "en")
    from subpipe.terms.match import needs_entities

    assert needs_entities(analysis.passages, analysis.docs) == [True, True, False, False]
    alone = analyze_track(Track([Cue(0, 2000, "Scales?", position=0)]), "en")
    assert needs_entities(alone.passages, alone.docs) == [False]  # nothing else says it is a name


def test_a_script_without_case_is_read_and_a_passage_without_letters_is_not():
    from subpipe.terms.match import needs_entities

    analysis = analyze_track(Track([Cue(0, 2000, "東京へ行きます", position=0), Cue(10000, 12000, "♪ ♪", position=1),
                                    Cue(20000, 22000, "we went home.", position=2)]), "en")
    assert needs_entities(analysis.passages, analysis.docs) == [True, False, False]


def test_a_recogniser_that_listens_to_a_shared_embedding_reads_the_analysed_docs(monkeypatch):
    """Transformer pipelines' recognisers listen to the shared embedding: given fresh docs, a listener
    reads zeros (spaCy's fallback) and finds other entities. A small such pipeline is trained here on a
    few sentences, so that what it finds depends on the embedding."""
    import random

    import spacy
    from spacy.training import Example

    import subpipe.terms.match as match

    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": 32, "maxout_pieces": 2, "use_upper": True,
        "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}}})
    data = [("Celia flew to Paris.", [(0, 5, "PERSON"), (14, 19, "GPE")]),
            ("Thom lives in Amsterdam.", [(0, 4, "PERSON"), (14, 23, "GPE")]),
            ("We met Barley in Rome.", [(7, 13, "PERSON"), (17, 21, "GPE")]),
            ("Nobody went anywhere.", [])]
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in data]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _ in range(40):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    assert nlp.get_pipe("tok2vec").listening_components == ["ner"]
    monkeypatch.setattr(match, "load_pipeline", lambda lang: nlp)
    monkeypatch.setattr(match, "pipe_texts", lambda lang, texts, **kw: nlp.pipe(texts, disable=kw.get("disable", ())))
    match.clear_analysis_cache()
    texts = [t for t, _ in data]
    full = [tuple((e.start_char, e.end_char, e.label_) for e in doc.ents) for doc in nlp.pipe(texts)]
    analysed = list(nlp.pipe(texts, disable=["ner"]))
    assert match.recognise_entities("en", texts, analysed) == full
    match.clear_analysis_cache()
    assert match.recognise_entities("en", texts) == full  # no docs given: the pipeline runs for them
    assert any(full) and full != [tuple((e.start_char, e.end_char, e.label_) for e in nlp.get_pipe("ner")(
        nlp.make_doc(t)).ents) for t in texts]  # what fresh docs would have given
    match.clear_analysis_cache()


def test_a_simplified_glossary_finds_its_terms_in_a_traditional_film():
    # the Mandarin scene written in Traditional characters (zh-Hant) and a zh glossary: 饺子 is 餃子 there
    from subpipe.locales import convert_script
    from subpipe.terms.glossary import parse_csv

    scene = read_track(SAMPLES / "bilingual" / "dumplings.en+zh.srt")
    traditional = scene.copy(cues=[c.copy(text=convert_script([c.text], "s2t")[0]) for c in scene.cues],
                             lang="zh-Hant")
    glossary = parse_csv("zh,en\n饺子,dumplings\n", lang="zh")
    hits = match_track(traditional, glossary)
    assert [(h.text, h.positions) for h in hits] == [("餃子", (16,)), ("餃子", (26,))]
    assert all(h.entry.term == "餃子" and h.entry.approved("en") == ["dumplings"] for h in hits)
    assert [h.text for h in match_track(scene.copy(lang="zh"), glossary)] == ["饺子", "饺子"]
