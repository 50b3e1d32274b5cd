"""Discovery: money, units (converted), honorifics, holidays, idioms and names the glossary lacks."""

import pytest
from conftest import CORPUS, SAMPLES

from subpipe.cues import Cue, Track
from subpipe.formats import read_track
from subpipe.terms.discover import (
    convert_unit,
    discover_terms,
    expand_idiom,
    fahrenheit_to_celsius,
    group_candidates,
    holidays,
    idioms,
    parse_number,
)
from subpipe.terms.glossary import load_glossary, make_entry
from subpipe.terms.match import match_track

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
    track = read_track(CORPUS / "films" / "tears-of-steel" / "TOS-en.vtt", lang="en")
    glossary = load_glossary(SAMPLES / "glossary" / "films.csv")
    found = discover_terms(track, glossary=glossary, hits=match_track(track, glossary))
    groups = {g["text"].lower(): g for g in group_candidates(found)}
    assert groups["freaked out"]["count"] == 4 and groups["freaked out"]["category"] == "idiom"
    assert "broke my heart" in groups and "move your asses" in groups
    names = {c.text for c in found}
    assert not names & {"Thom", "Celia", "Barley"}  # the glossary has them


# --- a language per cue ----------------------------------------------------------------------------------

def test_discovery_reads_each_cue_with_its_own_languages_pipeline():
    english = read_track(CORPUS / "films" / "sintel" / "sintel-en.vtt", lang="en")
    russian = read_track(CORPUS / "films" / "sintel" / "sintel-ru.vtt", lang="ru")
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
    # Read as English, the music cue "♪ ♪" passed for a person's name.
    assert ("ner:PERSON", "♪ ♪", (10,)) in [(c.detector, c.text, c.positions)
                                           for c in discover_terms(dinner(with_langs=False), "en")]


def test_french_people_are_persons_under_the_pipelines_own_label():
    track = read_track(CORPUS / "films" / "sintel" / "sintel-fr.vtt", lang="fr")
    people = {(c.detector, c.text, c.category, c.action) for c in discover_terms(track) if c.detector == "ner:PER"}
    assert ("ner:PER", "Sintel", "person", "keep") in people
