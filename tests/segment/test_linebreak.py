"""Line breaking: explicit layouts for English (spaCy parts of speech) and Spanish (word lists), the
phrases a break never splits, punctuation, dialogue dashes, CJK, and markup left where it was."""

import doctest
from pathlib import Path

import pytest

from subpipe.formats import read_track
from subpipe.qc.fixes import rewrap_text
from subpipe.qc.profiles import load_profile
from subpipe.segment.linebreak import (
    FORBIDDEN,
    PHRASE,
    break_lines,
    break_lines_batch,
    break_markup_batch,
    phrase_boundaries,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EN = load_profile("netflix", lang="en")
ES = load_profile("netflix", lang="es")
FR = load_profile("netflix", lang="fr")
JA = load_profile("netflix", lang="ja")


@pytest.mark.parametrize(("text", "expected"), [
    # Tears of Steel and Elephants Dream lines: after punctuation, before a conjunction or preposition.
    ("Why don't you just admit that you're freaked out by my robot hand?",
     "Why don't you just admit\nthat you're freaked out by my robot hand?"),
    ("And at your right, what do you see at your right side, Emo?",
     "And at your right,\nwhat do you see at your right side, Emo?"),
    ("I have nightmares that I'm being chased by these giant robotic claws of death...",
     "I have nightmares that I'm being chased\nby these giant robotic claws of death..."),
    ("I'm freaked out! I have nightmares that I'm being chased...",
     "I'm freaked out!\nI have nightmares that I'm being chased..."),
    ("You're a fool for traveling alone, so completely unprepared.",
     "You're a fool for traveling alone,\nso completely unprepared."),
    # A balanced cut would give "...to the" / "house and ...": article and noun stay together.
    ("We should go back to the house and wait for him there.",
     "We should go back to the house\nand wait for him there."),
    # ... and "with John" / "Smith at ...": first and last name stay together.
    ("Yesterday I had lunch with John Smith at the restaurant downtown.",
     "Yesterday I had lunch with John Smith\nat the restaurant downtown."),
    ("Of course you're ready, you're a rockstar.", "Of course you're ready, you're a rockstar."),
])
def test_english_layouts_follow_the_parse(text, expected):
    assert break_lines(text, "en", EN) == expected


def test_the_plain_balanced_rewrap_would_have_split_those_phrases():
    # The non-linguistic fallback of subpipe.qc, for contrast: what this module exists to avoid.
    assert rewrap_text("We should go back to the house and wait for him there.", EN) == \
        "We should go back to the\nhouse and wait for him there."
    assert rewrap_text("Yesterday I had lunch with John Smith at the restaurant downtown.", EN) == \
        "Yesterday I had lunch with John\nSmith at the restaurant downtown."


@pytest.mark.parametrize(("text", "expected"), [
    ("Ayer por la tarde comí con Juan Pérez en el restaurante del centro.",
     "Ayer por la tarde comí con Juan Pérez\nen el restaurante del centro."),
    ("Quizá deberíamos ir a la casa antes de que oscurezca.",
     "Quizá deberíamos ir\na la casa antes de que oscurezca."),
    ("Volvimos a la vieja casa donde vivía mi abuela cuando era niña.",
     "Volvimos a la vieja casa\ndonde vivía mi abuela cuando era niña."),
    ("Y a tu derecha, ¿qué ves a tu lado derecho, Emo?",
     "Y a tu derecha,\n¿qué ves a tu lado derecho, Emo?"),
    ("Tienes suerte de que tu sangre todavía fluya, ¿sabes?",
     "Tienes suerte de que tu sangre\ntodavía fluya, ¿sabes?"),
])
def test_spanish_layouts_follow_the_word_lists(text, expected):
    assert break_lines(text, "es", ES) == expected


def penalties(text: str, lang: str) -> dict[tuple[str, str], float]:
    """{(word before, word after): penalty} for every boundary of `text`."""
    words = text.split(" ")
    return {(words[k], words[k + 1]): b.penalty for k, b in enumerate(phrase_boundaries([text], lang)[0])}


def test_spanish_has_no_tagger_here_so_the_lists_decide():
    found = penalties("Quizá deberíamos ir a la casa con Juan Pérez.", "es")
    assert found[("la", "casa")] == PHRASE       # article | noun
    assert found[("Juan", "Pérez.")] == PHRASE   # first | last name
    assert found[("con", "Juan")] == PHRASE      # preposition | object
    assert found[("casa", "con")] < found[("deberíamos", "ir")]  # before a preposition beats a plain break


def test_english_reads_the_parse():
    found = penalties("John Smith gave the old house to his daughter.", "en")
    assert found[("John", "Smith")] == PHRASE
    assert found[("the", "old")] == PHRASE       # the determiner's noun is further on
    assert found[("old", "house")] == PHRASE     # adjective | noun
    assert found[("to", "his")] == PHRASE        # preposition | object
    assert found[("house", "to")] < found[("gave", "the")]


def test_french_never_breaks_before_its_spaced_punctuation():
    text = "Quoi ? Tu as vu le chat de ma soeur ? Il est parti avec Jean Dupont hier soir."
    out = break_lines(text, "fr", FR)
    assert out == "Quoi ? Tu as vu le chat de ma soeur ?\nIl est parti avec Jean Dupont hier soir."
    penalties = {text[b.end:b.end + 1]: b.penalty for b in phrase_boundaries([text], "fr")[0]}
    assert penalties["?"] == FORBIDDEN


def test_no_line_of_the_sample_films_starts_with_punctuation_and_lines_balance():
    films = ["tears-of-steel/TearsOfSteel.en.vtt", "elephants-dream/ElephantsDream.en.vtt"]
    texts = [" ".join(c.plain.split()) for film in films for c in read_track(SAMPLES / film)]
    for text, out in zip(texts, break_lines_batch(texts, "en", EN)):
        lines = out.split("\n")
        assert out.replace("\n", " ") == text
        assert len(lines) <= EN.max_lines, out
        assert all(len(line) <= EN.max_chars_per_line for line in lines), out
        for line in lines[1:]:
            # "...well guess what..." opens with the continuation convention: that is not punctuation.
            assert line[0] not in ",.;:!?)]\"'" or (line.startswith("...") and line[3].isalpha()), out
        if len(lines) == 2 and "- " not in out:
            # Balanced: neither line is less than a fifth of the text, unless it ends a sentence.
            short = min(lines, key=len)
            assert len(short) >= len(text) / 5 or short.rstrip("\"'").endswith((".", "!", "?", ",")), out


def test_a_new_speaker_always_starts_a_new_line():
    assert break_lines("- Why? - Now!", "en", EN) == "- Why?\n- Now!"
    assert break_lines("- Nothing.\n- Really?", "en", EN) == "- Nothing.\n- Really?"
    # A dash inside a sentence may end a line but never start one (it would read as a new speaker).
    assert break_lines("I'm not freaked out by - it's alright, fine, I am freaked out!", "en", EN) == \
        "I'm not freaked out by -\nit's alright, fine, I am freaked out!"


def test_text_that_fits_stays_on_one_line_and_three_lines_only_when_two_cannot_hold_it():
    assert break_lines("Whatever, Thom.\nWe're done.", "en", EN) == "Whatever, Thom. We're done."
    long = ("Listen, listen to the sounds of the machine, and then listen to your breathing, "
            "and tell me what you hear, Emo.")
    out = break_lines(long, "en", EN)
    assert len(out.split("\n")) == 3
    assert all(len(line) <= 42 for line in out.split("\n"))


def test_japanese_breaks_between_characters_with_kinsoku():
    out = break_lines("東京の大きな公園で、友達と一緒に昼ご飯を食べました。", "ja", JA)
    assert out == "東京の大きな公園で、友達と\n一緒に昼ご飯を食べました。"
    out = break_lines("「ありがとう」と彼は言った。そしてドアを閉めた。", "ja", JA)
    first, second = out.split("\n")
    assert second[0] not in "。、」っ" and first[-1] != "「"
    assert all(JA.line_width(line) <= 13 for line in (first, second))


def test_markup_stays_where_it_was():
    markups = ["<v Emo>And at your right, what do you see at your right side, Emo?</v>",
               "{\\an8}<i>We should go back to the</i> house and wait for him there.",
               "Fish &amp; chips, <b>fish &amp; chips</b>, all we ever eat is fish &amp; chips!"]
    out = break_markup_batch(markups, "en", EN)
    assert out[0] == "<v Emo>And at your right,\nwhat do you see at your right side, Emo?</v>"
    assert out[1] == "{\\an8}<i>We should go back to the</i> house\nand wait for him there."
    assert out[2] == "Fish &amp; chips, <b>fish &amp; chips</b>,\nall we ever eat is fish &amp; chips!"


def test_the_docstring_examples_run():
    from subpipe.segment import linebreak

    assert doctest.testmod(linebreak).failed == 0
