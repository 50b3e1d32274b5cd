"""Translated sentences -> cues: identity round trips on the sample films, markup restored, longer
translations spread in proportion and fitted to the profile, and every problem left reported."""

import doctest
import re
from collections import Counter
from pathlib import Path

import pytest

from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import parse_track, read_track
from subpipe.qc.profiles import load_profile
from subpipe.qc.rules import check_track
from subpipe.segment.linebreak import phrase_boundaries
from subpipe.segment.resegment import distribute, resegment_sentences, sentences_to_cues
from subpipe.segment.sentences import cues_to_sentences

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
EN = load_profile("netflix", lang="en")
ES = load_profile("netflix", lang="es")


def flat(text: str) -> str:
    """Text with its line breaks (and any run of whitespace) as one space."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def tos() -> Track:
    return read_track(SAMPLES / "tears-of-steel/TearsOfSteel.en.vtt", lang="en")


@pytest.fixture(scope="module")
def tos_sentences(tos):
    return cues_to_sentences(tos, "en")


def test_identity_translation_rebuilds_tears_of_steel(tos, tos_sentences):
    out = sentences_to_cues(tos_sentences, [s.text for s in tos_sentences], "en", EN, template=tos, fixes=())
    assert [(c.position, c.identifier, c.start, c.end) for c in out] == \
        [(c.position, c.identifier, c.start, c.end) for c in tos]
    for new, old in zip(out, tos):
        assert flat(new.plain) == flat(old.plain)
    assert out.format == "vtt" and out.lang == "en" and out.meta == tos.meta
    # Only the line breaks may differ, and they do where the source broke a line before "that".
    changed = [(old.plain, new.plain) for new, old in zip(out, tos) if new.plain != old.plain]
    assert ("Why don't you just admit that you're \nfreaked out by my robot hand?",
            "Why don't you just admit\nthat you're freaked out by my robot hand?") in changed


def test_identity_translation_keeps_voices_styles_and_settings_of_elephants_dream():
    track = read_track(SAMPLES / "elephants-dream/ElephantsDream.en.vtt", lang="en")
    sentences = cues_to_sentences(track, "en")
    out = sentences_to_cues(sentences, [s.text for s in sentences], "en", EN, template=track, fixes=())
    assert len(out) == len(track)
    for new, old in zip(out, track):
        assert flat(new.text) == flat(old.text)  # the markup itself, voices and tags included
        assert (new.position, new.settings, new.align, new.speaker) == \
            (old.position, old.settings, old.align, old.speaker)
    by_position = out.by_position()
    assert by_position[2].text == "<v Proog>...the <c.highlight>head-snarlers</c></v>"
    assert by_position[5].text == "<v Proog><b>Watch out!</b></v>"
    assert by_position[5].settings == {"line": "6%"}
    assert by_position[42].text == "<v Emo>Why?</v>\n- <v Proog>Now!</v>"  # a dash starts a new line


def test_identity_translation_keeps_ass_override_blocks(corpus):
    track = read_track(corpus / "corner-cases/media3/ssa/positioning")
    sentences = cues_to_sentences(track, "en")
    out = sentences_to_cues(sentences, [s.text for s in sentences], "en", EN, template=track, fixes=())
    assert [flat(c.text) for c in out] == [flat(c.text) for c in track]
    assert out[1].text == "Second subtitle{\\pos(75,50.5)}."  # a block inside the text stays put
    assert [(c.align, c.style) for c in out] == [(c.align, c.style) for c in track]
    assert out.styles == track.styles


DIALOGUE = """\
1
00:00:01,000 --> 00:00:03,000
- Where were you last night?
- <i>At the hotel.</i>

2
00:00:03,500 --> 00:00:06,000
{\\an8}<i>Previously on the show...</i>

3
00:00:06,500 --> 00:00:09,000
I told you that the <i>Titanic</i> sank

4
00:00:09,000 --> 00:00:11,000
because of an iceberg. <b>Right?</b>
"""


def test_spanish_translation_gets_dashes_italics_and_positions_back():
    track = parse_track(DIALOGUE, path="dialogue.srt", lang="en")
    sentences = cues_to_sentences(track, "en")
    assert [s.text for s in sentences] == [
        "Where were you last night?", "At the hotel.", "Previously on the show...",
        "I told you that the Titanic sank because of an iceberg.", "Right?"]
    spanish = ["¿Dónde estuviste anoche?", "En el hotel.", "Anteriormente en la serie...",
               "Te dije que el Titanic se hundió por culpa de un iceberg.", "¿Verdad?"]
    result = resegment_sentences(sentences, spanish, "es", ES, template=track)
    assert [(c.position, c.align, c.text) for c in result.track] == [
        (0, None, "- ¿Dónde estuviste anoche?\n- <i>En el hotel.</i>"),
        (1, 8, "<i>Anteriormente en la serie...</i>"),
        (2, None, "Te dije que el <i>Titanic</i> se hundió"),   # the italic title found verbatim
        (3, None, "por culpa de un iceberg. <b>¿Verdad?</b>"),
    ]
    assert result.remaining == check_track(result.track, ES)
    assert result.track.findings == result.notes + result.fixes


def test_partial_styling_without_a_verbatim_match_goes_to_the_same_proportion_of_the_words():
    track = Track([Cue(0, 3000, "I love <i>the big red</i> apples of Normandy.", position=0)])
    sentences = cues_to_sentences(track, "en")
    out = sentences_to_cues(sentences, ["Me encantan las grandes manzanas rojas de Normandía."], "es", ES,
                            template=track, fixes=())
    # "the big red" is 18-47% of the source: the words nearest 18-47% of the translation.
    assert out[0].text == "Me encantan <i>las grandes</i>\nmanzanas rojas de Normandía."


def test_distribution_cuts_at_phrase_boundaries_near_the_proportional_point(tos_sentences):
    robotics = next(s for s in tos_sentences if s.text.startswith("Look Celia"))
    spanish = ("Mira Celia, tenemos que seguir nuestras pasiones; tú tienes tu robótica, y yo solo quiero "
               "ser increíble en el espacio.")
    pieces = distribute(robotics, spanish, phrase_boundaries([spanish], "es")[0])
    assert [spanish[a:b] for a, b in pieces] == [
        "Mira Celia, tenemos que seguir nuestras pasiones;",
        "tú tienes tu robótica, y yo solo quiero ser increíble en el espacio."]


def longer(text: str) -> str:
    """A synthetic translation about 30% longer: "really" after every third word."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        out.append(word)
        if i % 3 == 1 and i < len(words) - 1:
            out.append("really")
    return " ".join(out)


def test_longer_translations_are_spread_in_proportion_and_fitted_or_reported(tos, tos_sentences):
    translations = [longer(s.text) for s in tos_sentences]
    growth = sum(map(len, translations)) / sum(len(s.text) for s in tos_sentences)
    assert 1.25 < growth < 1.4
    bounds = phrase_boundaries(translations, "en")
    for s, t, b in zip(tos_sentences, translations, bounds):
        if len(s.parts) < 2:
            continue
        pieces = distribute(s, t, b)
        for part, (lo, hi) in zip(s.parts, pieces):
            # Each cue gets about its share of the source sentence.
            assert abs((hi - lo) / len(t) - part.length / len(s.text)) < 0.2, (s.text, t[lo:hi])

    result = resegment_sentences(tos_sentences, translations, "en", EN, template=tos)
    out = result.track
    assert {c.position for c in out} == {c.position for c in tos}
    assert [c.position for c in out] == sorted(c.position for c in out)
    assert all(c.plain.strip() for c in out)
    assert flat(" ".join(c.plain for c in out)).replace("...", "") == \
        flat(" ".join(translations)).replace("...", "")
    # The layout always fits the profile: cues too long for two lines were split, lines re-broken.
    kinds = Counter(f.kind for f in result.remaining)
    assert not {"line-too-long", "too-many-lines"} & set(kinds)
    split = [f for f in result.fixes if f.kind == "fix-split"]
    assert split and all(re.fullmatch(r"\d+[a-z]", c.identifier) for c in out if c.identifier not in
                         {x.identifier for x in tos})
    for cue in out:
        for line in cue.plain.split("\n")[1:]:
            assert line[0] not in ",.;:!?"
    # What is left is timing only (30% more text in the same time), each named by cue and timecode.
    assert set(kinds) <= {"reading-speed", "gap-too-short"}
    assert result.remaining == check_track(out, EN)
    assert Counter(f.kind for f in result.fixes)["fix-extend"] > 10


def test_a_translation_shorter_than_its_cues_leaves_a_cue_out_and_says_so():
    track = Track([Cue(0, 1000, "Well,", position=0), Cue(1100, 2000, "maybe,", position=1),
                   Cue(2100, 3000, "yes.", position=2)], path="short.vtt")
    sentences = cues_to_sentences(track, "en")
    assert len(sentences) == 1 and len(sentences[0].parts) == 3
    result = resegment_sentences(sentences, ["Quizá sí."], "es", ES, template=track, fixes=())
    # Two words for three cues: the cheapest cut by proportion leaves the first cue empty.
    assert [(c.position, c.text) for c in result.track] == [(1, "Quizá"), (2, "sí.")]
    assert [(f.kind, f.position, f.path) for f in result.notes] == [("segment-empty-cue", 0, "short.vtt")]


def test_mismatched_input_is_an_error(tos, tos_sentences):
    with pytest.raises(SubpipeError, match="translations for"):
        sentences_to_cues(tos_sentences, ["Hola."], "es", ES, template=tos)
    other = Track([Cue(0, 1000, "Hi.", position=0)])
    with pytest.raises(SubpipeError, match="template"):
        sentences_to_cues(tos_sentences, [s.text for s in tos_sentences], "en", EN, template=other)


def test_the_docstring_examples_run():
    from subpipe.segment import resegment as module  # the module, not resegment_sentences

    assert doctest.testmod(module).failed == 0
