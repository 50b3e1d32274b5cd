"""Cues -> sentences on the sample films: sentences across cue boundaries, pauses and speakers that
stop them, and the markup (dashes, voices, styles) kept out of the text and remembered."""

import doctest
from pathlib import Path

import pytest

from subpipe.cues import Cue, Track
from subpipe.formats import parse_track, read_track
from subpipe.segment.sentences import CueSpan, StyleSpan, cues_to_sentences

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def tos() -> Track:
    return read_track(SAMPLES / "tears-of-steel/TearsOfSteel.en.vtt", lang="en")


@pytest.fixture(scope="module")
def tos_sentences(tos):
    return cues_to_sentences(tos, "en")


@pytest.fixture(scope="module")
def elephants() -> Track:
    return read_track(SAMPLES / "elephants-dream/ElephantsDream.en.vtt", lang="en")


@pytest.fixture(scope="module")
def elephants_sentences(elephants):
    return cues_to_sentences(elephants, "en")


def test_tears_of_steel_opening_reads_as_sentences_across_cues(tos_sentences):
    opening = [(s.positions, s.text) for s in tos_sentences if s.positions[0] <= 8]
    assert opening == [
        ((0,), "You're a jerk, Thom."),
        # "...passions;" / "...you have your robotics": one sentence, the continuation ellipsis gone.
        ((1, 2), "Look Celia, we have to follow our passions; you have your robotics, and I just want to be "
                 "awesome in space."),
        ((3,), "Why don't you just admit that you're freaked out by my robot hand?"),
        ((4,), "I'm not freaked out by-"),
        ((4, 5), "it's alright!"),
        ((5,), "Fine!"),
        ((6,), "I'm freaked out!"),
        ((6, 7), "I have nightmares that I'm being chased by these giant robotic claws of death..."),
        ((8,), '"Fourty years later" Whatever, Thom.'),
        ((8,), "We're done."),
    ]
    chased = opening[7]
    assert chased[1].endswith("death...")  # the trailing ellipsis ends the sentence: the next cue is new


def test_the_parts_remember_the_ellipses_and_the_times(tos_sentences):
    chased = next(s for s in tos_sentences if s.text.startswith("I have nightmares"))
    first, second = chased.parts
    assert (first.position, first.trail, first.start_ms, first.end_ms) == (6, "...", 38000, 41000)
    assert (second.position, second.lead, second.trail) == (7, "...", "")
    assert (chased.start_ms, chased.end_ms) == (38000, 42000)
    assert chased.text[first.start:first.end] == "I have nightmares that I'm being chased"
    assert chased.text[second.start:second.end] == "by these giant robotic claws of death..."


def test_locate_maps_sentence_text_back_to_cue_positions_and_offsets(tos, tos_sentences):
    chased = next(s for s in tos_sentences if s.text.startswith("I have nightmares"))
    at = chased.text.index("being chased by these")
    spans = chased.locate(at, at + len("being chased by these"))
    by_position = tos.by_position()
    assert [(sp.position, by_position[sp.position].plain[sp.start:sp.end]) for sp in spans] == [
        (6, "being chased"), (7, "by these")]
    assert chased.times(at, at + 5) == (38000, 41000)
    # A line break inside the cue is a space in the sentence, and maps back to the "\n".
    nl = chased.text.index("nightmares that") + len("nightmares")
    assert chased.locate(nl, nl + 1) == [CueSpan(6, 34, 35)] and by_position[6].plain[34] == "\n"


def test_a_long_pause_ends_the_sentence(tos):
    # "You have your robotics..." (5:21-5:23) / "...and I just want to be awesome in space." (5:25)
    joined = [s.text for s in cues_to_sentences(tos, "en") if 38 in s.positions]
    apart = [s.text for s in cues_to_sentences(tos, "en", max_gap_ms=1500) if 38 in s.positions or
             39 in s.positions]
    assert joined == ["You have your robotics and I just want to be awesome in space."]
    assert apart == ["You have your robotics...", "...and I just want to be awesome in space."]


def test_a_speaker_change_ends_the_sentence_and_voices_stay_out_of_the_text(elephants, elephants_sentences):
    for s in elephants_sentences:
        assert "<" not in s.text and "{" not in s.text
        assert len({p.voice for p in s.parts}) == 1, s  # never two voices in one sentence
    by_text = {s.text: s for s in elephants_sentences}
    why, now = by_text["Why?"], by_text["Now!"]   # <v Emo>Why?</v> - <v Proog>Now!</v>
    assert (why.speaker, why.dash, why.positions) == ("Emo", "", (42,))
    assert (now.speaker, now.dash, now.parts[0].voice, now.parts[0].dash_in_voice) == \
        ("Proog", "- ", "<v Proog>", False)
    # The sound description outside any voice is its own sentence, with no speaker.
    music = by_text["(amusement park music)"]
    assert music.speaker is None and music.positions == (53,)


def test_styles_become_spans_of_the_sentence(elephants_sentences):
    by_text = {s.text: s for s in elephants_sentences}
    assert by_text["Watch out!"].styles == (StyleSpan(0, 10, "<b>", "</b>"),)
    snarlers = next(s for s in elephants_sentences if "head-snarlers" in s.text)
    (span,) = snarlers.styles
    assert (snarlers.text[span.start:span.end], span.open, span.close) == \
        ("head-snarlers", "<c.highlight>", "</c>")


SRT = """\
1
00:00:01,000 --> 00:00:03,000
- Where were you last night?
- <i>At the hotel.</i>

2
00:00:03,500 --> 00:00:06,000
{\\an8}<i>Previously on the show...</i>

3
00:00:06,500 --> 00:00:09,000
<i>I told you that the</i>
<i>Titanic sank</i>

4
00:00:09,000 --> 00:00:11,000
because of an {\\c&H0000FF&}iceberg.
"""


def test_dialogue_dashes_italics_and_ass_blocks_from_an_srt():
    track = parse_track(SRT, path="dialogue.srt", lang="en")
    sentences = cues_to_sentences(track, "en")
    assert [(s.text, s.dash, s.positions) for s in sentences] == [
        ("Where were you last night?", "- ", (0,)),
        ("At the hotel.", "- ", (0,)),
        ("Previously on the show...", "", (1,)),
        ("I told you that the Titanic sank because of an iceberg.", "", (2, 3)),
    ]
    assert sentences[1].italic and sentences[2].italic and not sentences[0].italic
    assert track.cues[1].align == 8  # {\an8} lives on the cue, never in any text
    titanic = sentences[3]
    # Two italic lines of one cue are one span over that cue's part; the ASS colour block, as the
    # reader stored it, is a mark before "iceberg".
    block = track.cues[3].text[len("because of an "):-len("iceberg.")]
    assert block.startswith("{\\c&")
    assert titanic.styles == (StyleSpan(0, 32, "<i>", "</i>"), StyleSpan(47, 47, block, ""))
    assert not titanic.italic


def test_a_language_without_spacy_support_falls_back_to_punctuation():
    track = Track([Cue(0, 2000, "こんにちは。元気ですか？", position=0), Cue(2100, 4000, "はい、元気です。", position=1)])
    assert [s.text for s in cues_to_sentences(track, "ja")] == ["こんにちは。", "元気ですか？", "はい、元気です。"]


def test_a_sentence_without_end_is_cut_at_cue_boundaries_past_max_chars():
    lyric = [Cue(i * 2000, i * 2000 + 1800, f"and the river runs to the sea number {i}", position=i)
             for i in range(12)]
    sentences = cues_to_sentences(Track(lyric), "en", max_chars=120)
    assert all(len(s.text) <= 120 for s in sentences)
    assert [p for s in sentences for p in s.positions] == list(range(12))


def test_empty_cues_and_comments_give_no_sentence():
    track = Track([Cue(0, 1000, "", position=0), Cue(1000, 2000, "Hidden note.", position=1, comment=True),
                   Cue(2000, 3000, "Shown.", position=2)])
    assert [(s.id, s.text, s.positions) for s in cues_to_sentences(track, "en")] == [(0, "Shown.", (2,))]


def test_the_docstring_examples_run():
    from subpipe.segment import sentences

    assert doctest.testmod(sentences).failed == 0
