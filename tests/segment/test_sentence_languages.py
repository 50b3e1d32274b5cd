"""Sentences per language and back: a bilingual dinner scene (Mandarin and English, written for these
tests) and Tears of Steel / Sintel with a scene swapped for the German or Russian of the same timing."""

from dinner_scene import dinner

from subpipe.formats import read_track
from subpipe.qc import load_profile
from subpipe.segment import cues_to_sentences, resegment_sentences
from subpipe.segment.sentences import translation_notes

# What a translator would write for the Mandarin sentences, in order (the English ones are kept).
ENGLISH_FOR = {
    "快进来，外面冷。": "Come in, it's cold out there.",
    "饭马上就好了。": "Dinner is almost ready.",
    "当然了，你最喜欢的韭菜猪肉馅的饺子。": "Of course, your favourite pork and chive dumplings.",
    "你妈妈什么时候到？": "When is your mother coming?",
    "妈，新年快乐！": "Mom, happy New Year!",
    "我带了一些橘子。": "I brought some mandarins.",
    "酱油？": "soy sauce?",
}


def test_sentences_are_built_per_language_and_carry_it():
    sentences = cues_to_sentences(dinner(), "en")
    assert [(s.lang, s.positions, s.text) for s in sentences] == [
        ("en", (0,), "Grandma, I'm home!"),
        ("zh", (1,), "快进来，外面冷。"),  # split by the Chinese pipeline, at the full-width full stop
        ("zh", (1,), "饭马上就好了。"),
        ("en", (2,), "It smells amazing."),
        ("en", (2,), "Did you make dumplings?"),
        ("zh", (3,), "当然了，你最喜欢的韭菜猪肉馅的饺子。"),
        ("zh", (4,), "你妈妈什么时候到？"),  # the dash lines of a two-language cue: one sentence each
        ("en", (4,), "She'll be here at seven."),
        ("en", (6,), "Mom!"),
        ("en", (6,), "You're early!"),
        ("zh", (7,), "妈，新年快乐！"),
        ("zh", (7,), "我带了一些橘子。"),
        ("en", (8,), "Grandma, can you pass me the"),  # the language changes mid-sentence: cut there
        ("zh", (9,), "酱油？"),
    ]
    # The sound (5) and the music (11) give nothing to translate.
    assert not {5, 10} & {p for s in sentences for p in s.positions}


def test_without_cue_languages_the_scene_is_read_as_before():
    sentences = cues_to_sentences(dinner(with_langs=False), "en")
    assert {s.lang for s in sentences} == {"en"}
    assert ((8, 9), "Grandma, can you pass me the 酱油？") in [(s.positions, s.text) for s in sentences]
    assert "快进来，外面冷。饭马上就好了。" in [s.text for s in sentences]


def test_a_sentence_never_runs_across_a_change_of_language(corpus):
    films = corpus / "films" / "tears-of-steel"
    english = read_track(films / "TOS-en.vtt", lang="en")
    german = read_track(films / "TOS-de.vtt", lang="de")
    before = [s for s in cues_to_sentences(english, "en") if 7 in s.positions]
    assert [s.positions for s in before] == [(6, 7)]  # "...being chased..." / "...by these giant robotic claws"
    mixed = english.copy(cues=[german.cues[7].copy(lang="de") if c.position == 7 else c for c in english.cues])
    around = [(s.lang, s.positions, s.text) for s in cues_to_sentences(mixed, "en") if {6, 7} & set(s.positions)]
    assert around == [
        ("en", (6,), "I'm freaked out!"),
        ("en", (6,), "I have nightmares that I'm being chased..."),
        ("de", (7,), "...von diesen riesigen Roboter Todesklauen..."),
    ]


def test_a_russian_scene_gives_russian_sentences(corpus):
    films = corpus / "films" / "sintel"
    english = read_track(films / "sintel-en.vtt", lang="en")
    russian = read_track(films / "sintel-ru.vtt", lang="ru")
    mixed = english.copy(cues=[russian.cues[i].copy(lang="ru") if 19 <= i <= 22 else c
                               for i, c in enumerate(english.cues)])
    scene = [(s.lang, s.text) for s in cues_to_sentences(mixed, "en") if 18 <= s.positions[0] <= 23]
    assert scene == [
        ("en", "Scales!"),
        ("ru", "У меня ничего не получилось."),
        ("ru", "Не получилось только понять, что ты дошла до земли драконов, Синтэль."),
        ("ru", "И теперь ближе к цели, чем ты думаешь."),
        ("en", "Scales!"),
    ]


def test_into_english_the_english_cues_and_the_music_stay_as_they_are():
    source = dinner()
    sentences = cues_to_sentences(source, "en")
    translations = [ENGLISH_FOR.get(s.text, "") for s in sentences]  # nothing given for the English ones
    done = resegment_sentences(sentences, translations, "en", load_profile("netflix", lang="en"), template=source,
                               keep_langs={"en"})
    out = {c.position: c for c in done.track.cues}
    for position in (0, 2, 5, 6, 8, 10):  # English, the sound and the music: verbatim, at their times
        assert (out[position].text, out[position].start) == (source.cues[position].text, source.cues[position].start)
    assert out[1].plain == "Come in, it's cold out there.\nDinner is almost ready."
    assert out[4].plain == "- When is your mother coming?\n- She'll be here at seven."
    assert out[9].plain == "soy sauce?"
    # Every cue now speaks English (the track's language), but for the sound and the music.
    assert {done.track.cue_lang(c) for c in done.track.cues} == {"en", "und"}
    assert [c.position for c in done.track.cues if c.lang is None] == [1, 3, 4, 7, 9]
    assert [(f.kind, f.severity, f.message.split(": ")[-1]) for f in done.notes] == [
        ("segment-kept", "info", "0, 2, 6, 8"), ("segment-kept", "info", "5, 10")]


def test_into_spanish_every_spoken_cue_is_translated_and_the_music_kept():
    source = dinner()
    sentences = cues_to_sentences(source, "en")
    spanish = [f"[es] {s.text}" for s in sentences]  # stands for any translation: only its place matters here
    done = resegment_sentences(sentences, spanish, "es", load_profile("netflix", lang="es"), template=source)
    out = {c.position: c for c in done.track.cues}
    assert out[5].text == "(door opens)" and out[10].text == "♪ ♪"
    assert all(c.plain.startswith(("[es]", "- [es]")) for p, c in out.items() if p not in (5, 10))
    assert [f.message.split(": ")[-1] for f in done.notes if f.kind == "segment-kept"] == ["5, 10"]


def test_a_track_with_nothing_to_translate_says_so():
    source = dinner()
    music = source.copy(cues=[c for c in source.cues if c.lang == "und"])
    assert cues_to_sentences(music, "en") == []
    notes = translation_notes(music, [])
    assert [(f.kind, f.severity) for f in notes] == [("segment-nothing-to-translate", "warning")]
    assert "2 cues without words" in notes[0].message
    assert translation_notes(source, cues_to_sentences(source, "en")) == []


def test_a_line_without_words_inside_a_spoken_cue_is_kept_as_it_is():
    from subpipe.cues import Cue, Track

    source = Track([Cue(1000, 3500, "- (laughs)\n- Hi, Grandma.", position=0, lang="en", line_langs=("und", "en"))],
                   lang="en")
    sentences = cues_to_sentences(source, "en")
    assert [(s.lang, s.text) for s in sentences] == [("und", "(laughs)"), ("en", "Hi, Grandma.")]
    # Whatever a caller sends for the und line, it is not used.
    done = resegment_sentences(sentences, ["(se ríe)", "Hola, abuela."], "es", load_profile("netflix", lang="es"),
                               template=source)
    assert done.track.cues[0].plain == "- (laughs)\n- Hola, abuela."
