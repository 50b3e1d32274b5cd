"""Discovery: money, units (converted), honorifics, holidays, idioms and names the glossary lacks."""

import pytest
from conftest import FILMS, SAMPLES

from subpipe.cues import Cue, Track
from subpipe.formats import read_track
from subpipe.terms.discover import (
    DETECTORS,
    Scan,
    convert_unit,
    discover_terms,
    expand_idiom,
    fahrenheit_to_celsius,
    find_fahrenheit,
    find_holiday_dates,
    find_holidays,
    find_honorifics,
    find_idioms,
    find_money,
    find_named_entities,
    find_units,
    group_candidates,
    holidays,
    idioms,
    parse_number,
)
from subpipe.terms.glossary import load_glossary, make_entry
from subpipe.terms.match import analyze_track, match_track

# (cue text, the candidates it must give as (category, text, action, suggestion))
CASES = [
    ("Mr. Smith paid $20 for the tickets.", {("honorific", "Mr.", "adapt", ""), ("currency", "$20", "adapt", ""),
                                              ("person", "Smith", "keep", "")}),
    ("She gave me fifty bucks.", {("currency", "fifty bucks", "adapt", "")}),
    ("It costs 15 € here, €12.50 online.", {("currency", "15 €", "adapt", ""), ("currency", "€12.50", "adapt", "")}),
    ("That's ten pounds sterling.", {("currency", "ten pounds sterling", "adapt", "")}),
    ("The farm is 5 miles from here.", {("unit", "5 miles", "convert", "≈ 8.05 km")}),
    ("The bag weighs 3 pounds.", {("unit", "3 pounds", "convert", "≈ 1.36 kg")}),
    ("Climb a six-foot wall.", {("unit", "six-foot", "convert", "≈ 1.83 m")}),
    ("Add 8 ounces of flour and a gallon of milk.", {("unit", "8 ounces", "convert", "≈ 227 g"),
                                                     ("unit", "a gallon", "convert", "≈ 3.79 l")}),
    ("It was 98.6 degrees Fahrenheit.", {("unit", "98.6 degrees Fahrenheit", "convert", "≈ 37 °C")}),
    ("The oven is at 350°F now.", {("unit", "350°F", "convert", "≈ 177 °C")}),
    ("We drove at 60 mph.", {("unit", "60 mph", "convert", "≈ 96.6 km/h")}),
    ("Yes, sir.", {("honorific", "sir", "adapt", "")}),
    ("Madam, your car is here.", {("honorific", "Madam", "adapt", "")}),
    ("Señor, por favor.", {("honorific", "Señor", "keep", "")}),
    ("Thank you, Tanaka-san.", {("honorific", "Tanaka-san", "keep", "")}),
    ("Hai, Yuki-sama!", {("honorific", "Yuki-sama", "keep", "")}),
    ("I miss you, Miss Daisy.", {("honorific", "Miss", "adapt", "")}),
    ("See you on Christmas Eve!", {("holiday", "Christmas Eve", "explain", "")}),
    ("We met on December 25th.", {("holiday", "December 25th", "explain", "")}),
    ("Fireworks on the Fourth of July.", {("holiday", "the Fourth of July", "explain", "")}),
    ("Are you coming for Thanksgiving?", {("holiday", "Thanksgiving", "explain", "")}),
    ("It's raining cats and dogs.", {("idiom", "It's raining cats and dogs", "adapt", "")}),
    ("You broke my heart.", {("idiom", "broke my heart", "adapt", "")}),
    # none of these is culture-specific
    ("I have been on my feet all day.", set()),
    ("The lady at the door lent me a pen.", set()),
    ("She walked a few more steps.", set()),
]


@pytest.fixture(scope="module")
def found():
    cues = [Cue(n * 60_000, n * 60_000 + 2000, text, position=n) for n, (text, _) in enumerate(CASES)]
    return discover_terms(Track(cues, lang="en"))


@pytest.mark.parametrize("case", range(len(CASES)), ids=[c[0][:40] for c in CASES])
def test_discovery_on_the_test_set(found, case):
    wanted = CASES[case][1]
    assert {(c.category, c.text, c.action, c.suggestion) for c in found if c.positions == (case,)} == wanted


def test_all_kinds_of_the_test_set_are_found(found):
    wanted = set().union(*(w for _, w in CASES))
    got = {(c.category, c.text, c.action, c.suggestion) for c in found}
    assert wanted <= got
    assert {"currency", "unit", "honorific", "holiday", "idiom"} <= {c.category for c in found}


def test_conversions_carry_the_metric_value(found):
    miles = next(c for c in found if c.text == "5 miles")
    assert miles.metric == {"value": 8.047, "unit": "km"} and "5 miles is 8.05 km" in miles.reason
    fever = next(c for c in found if c.category == "unit" and "Fahrenheit" in c.text)
    assert fever.metric == {"value": 37.0, "unit": "°C"}


def test_numbers_units_and_temperatures():
    assert [parse_number(t) for t in ("1,500", "2.5", "Twenty", "a", "3,5", "many")] == [1500, 2.5, 20, 1, 3.5, None]
    assert convert_unit(10, "yards")[1:] == ("m", "yard") and convert_unit(1, "parsec") is None
    assert round(fahrenheit_to_celsius(32), 6) == 0 and round(fahrenheit_to_celsius(-40), 6) == -40


def test_the_glossary_decides_what_it_covers():
    track = Track([Cue(0, 2000, "Yes, Sir. It's raining cats and dogs in Rhodes.", position=0)], lang="en")
    glossary = [make_entry("Sir", "en", category="honorific"), make_entry("Rhodes", "en", category="place")]
    hits = match_track(track, glossary)
    texts = {c.text for c in discover_terms(track, hits=hits)}
    assert "Sir" not in texts and "Rhodes" not in texts and "It's raining cats and dogs" in texts


def test_shipped_lists():
    assert expand_idiom("pull someone's leg")[:3] == ["pull my leg", "pull your leg", "pull his leg"]
    assert any(e.term == "break my heart" for e in idioms("en"))
    for lang in ("en", "fr", "es", "de"):
        assert idioms(lang) and holidays(lang)
    assert idioms("sv") == () and holidays("sv") == ()
    christmas = next(h for h in holidays("en") if h.name == "Christmas")
    assert (christmas.date, christmas.action) == ("12-25", "explain")


def test_other_languages_use_their_own_lists():
    found = discover_terms([Cue(0, 2000, "Il pleut des cordes, Monsieur, et c'est Noël.", position=0)], "fr")
    assert {(c.category, c.text) for c in found if c.category != "person"} >= {
        ("idiom", "Il pleut des cordes"), ("honorific", "Monsieur"), ("holiday", "Noël")}


def test_real_film_candidates_and_grouping():
    track = read_track(FILMS / "tears-of-steel" / "TOS-en.vtt", lang="en")
    glossary = load_glossary(SAMPLES / "glossary" / "films.csv")
    found = discover_terms(track, glossary=glossary, hits=match_track(track, glossary))
    groups = {g["text"].lower(): g for g in group_candidates(found)}
    assert groups["freaked out"]["count"] == 4 and groups["freaked out"]["category"] == "idiom"
    assert "broke my heart" in groups and "move your asses" in groups
    names = {c.text for c in found}
    assert not names & {"Thom", "Celia", "Barley"}  # the glossary has them


# --- a language per cue ----------------------------------------------------------------------------------

def test_discovery_reads_each_cue_with_its_own_languages_pipeline():
    english = read_track(FILMS / "sintel" / "sintel-en.vtt", lang="en")
    russian = read_track(FILMS / "sintel" / "sintel-ru.vtt", lang="ru")
    mixed = english.copy(cues=[russian.cues[i].copy(lang="ru") if 19 <= i <= 22 else c
                               for i, c in enumerate(english.cues)])
    found = discover_terms(mixed, "en")
    # The English NER never sees the Russian scene; read as English it took "получилось" for a place.
    assert not [c for c in found if set(c.positions) & {19, 20, 21, 22}]
    as_english = discover_terms(mixed.copy(cues=[c.copy(lang=None) for c in mixed.cues]), "en")
    assert ("ner:GPE", "получилось") in [(c.detector, c.text) for c in as_english]
    english_only = [(c.detector, c.text, c.positions) for c in as_english if not set(c.positions) & {19, 20, 21, 22}]
    assert [(c.detector, c.text, c.positions) for c in found] == english_only


def test_cues_without_words_are_not_read_for_names():
    from dinner_scene import dinner

    found = [(c.detector, c.text, c.positions) for c in discover_terms(dinner(), "en")]
    assert found == [("ner:PERSON", "Grandma", (0,)), ("ner:PERSON", "Grandma", (8,))]
    # Read as English, the music cue "♪ ♪" once passed for a person's name: a passage without letters is no
    # longer given to the entity recogniser (`needs_entities`).
    assert [(c.detector, c.text) for c in discover_terms(dinner(with_langs=False), "en")] == \
        [("ner:PERSON", "Grandma"), ("ner:PERSON", "Grandma")]


# --- each detector on its own ------------------------------------------------------------------------
# A detector reads one passage (`Scan`) and yields what it matched; `discover` runs them in the
# registered order, so each is checked here alone on a real analysed cue.

def _scan(text: str, lang: str = "en", *, ner: bool = True, **matched) -> Scan:
    analysis = analyze_track([Cue(0, 3000, text, position=0)], lang)
    (passage,), (doc,) = analysis.passages, analysis.docs
    entities = analysis.entities[0] if analysis.entities is not None else None
    return Scan(passage, doc, lang, ner, {k: list(v) for k, v in matched.items()}, entities)


def _found(detect, text: str, lang: str = "en", **kw) -> list[tuple[str, str]]:
    scan = _scan(text, lang, **kw)
    return [(scan.text[f.start:f.end], f.detector) for f in detect(scan)]


def test_detectors_are_registered_in_the_order_discover_runs_them():
    assert list(DETECTORS) == ["fahrenheit", "money", "unit", "date", "honorific", "holiday", "idiom", "ner"]
    assert DETECTORS["unit"] is find_units and DETECTORS["ner"] is find_named_entities


def test_fahrenheit_detector_converts_to_celsius():
    (found,) = find_fahrenheit(_scan("It was -40 degrees Fahrenheit outside."))
    assert (found.detector, found.metric, found.suggestion) == ("unit", {"value": -40.0, "unit": "°C"}, "≈ -40 °C")


def test_money_detector_claims_each_amount_once():
    # pattern by pattern (symbols, then codes, then words), each amount once
    assert _found(find_money, "It costs $20, or 15 quid, or 30 USD.") == [
        ("$20", "money"), ("30 USD", "money"), ("15 quid", "money")]


def test_unit_detector_skips_what_money_matched():
    text = "He owes me 5 pounds and walked 3 miles."
    assert _found(find_units, text) == [("5 pounds", "unit"), ("3 miles", "unit")]
    pounds = text.index("5 pounds")
    assert _found(find_units, text, money=[(pounds, pounds + len("5 pounds"))]) == [("3 miles", "unit")]


def test_date_detector_finds_dates_that_are_holidays():
    assert _found(find_holiday_dates, "See you on December 25th, not March 3rd.") == [("December 25th", "date")]


def test_honorific_and_list_detectors():
    assert _found(find_honorifics, "Yes, Sir. Thank you, Mr Smith.") == [("Mr", "honorific"), ("Sir", "honorific")]
    assert _found(find_holidays, "We always argue at Thanksgiving.") == [("Thanksgiving", "holiday")]
    assert _found(find_idioms, "Come on, you are pulling my leg.") == [("pulling my leg", "idiom")]
    assert _found(find_idioms, "Nothing idiomatic here.", "sv") == []  # no list for Swedish


def test_ner_detector_only_when_asked_and_the_pipeline_has_ner():
    text = "John Smith flew to London last week."
    assert _found(find_named_entities, text) == [("John Smith", "ner:PERSON"), ("London", "ner:GPE")]
    assert _found(find_named_entities, text, ner=False) == []


def test_french_people_are_persons_under_the_pipelines_own_label():
    track = read_track(FILMS / "sintel" / "sintel-fr.vtt", lang="fr")
    people = {(c.detector, c.text, c.category, c.action) for c in discover_terms(track) if c.detector == "ner:PER"}
    assert ("ner:PER", "Sintel", "person", "keep") in people
