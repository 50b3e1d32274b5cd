"""Issue 9, case 6: a track of only music and sound cues came out as invented words. Cues without words
(`Cue.lang == "und"`, as the language identifier calls them) give nothing to translate, the segment step
says so, and the target track keeps them verbatim at their times."""

from subpipe.cues import Cue, Track
from subpipe.formats import read_track
from subpipe.qc import load_profile
from subpipe.segment import cues_to_sentences, resegment_sentences
from subpipe.segment.sentences import translation_notes


def sound_only(corpus) -> Track:
    """The sound and music cues of Elephants Dream ("(howling wind)", "(oriental dance music)", ...), alone."""
    film = read_track(corpus / "films" / "elephants-dream" / "elephants-dream-subtitles-en.vtt", lang="en")
    sounds = [c.copy(lang="und", lang_origin="detected") for c in film.cues
              if c.plain.startswith("(") and c.plain.endswith(")")]
    assert len(sounds) == 11
    return film.copy(cues=sounds)


def music_only() -> Track:
    """Instrumental music as subtitlers mark it (written here: the corpus has no lyrics cue)."""
    return Track([Cue(1000, 4000, "♪ ♪", position=0, lang="und"), Cue(5000, 9000, "<i>♪ ♪</i>", position=1, lang="und"),
                  Cue(9500, 12000, "♪♪♪", position=2, lang="und")], path="score.en.srt", lang="en", format="srt")


def test_a_sound_only_track_gives_nothing_to_translate_and_says_so(corpus):
    for track in (sound_only(corpus), music_only()):
        sentences = cues_to_sentences(track, "en")
        assert sentences == []
        notes = translation_notes(track, sentences)
        assert [(n.kind, n.severity) for n in notes] == [("segment-nothing-to-translate", "warning")]
        assert f"{len(track)} cues without words" in notes[0].message


def test_the_target_track_keeps_every_sound_cue_verbatim_at_its_time(corpus):
    for track in (sound_only(corpus), music_only()):
        done = resegment_sentences([], [], "es", load_profile("netflix", lang="es"), template=track)
        assert [(c.position, c.start, c.end, c.text) for c in done.track.cues] == \
            [(c.position, c.start, c.end, c.text) for c in track.cues]
        assert [c.lang for c in done.track.cues] == ["und"] * len(track)
        kept = [n for n in done.notes if n.kind == "segment-kept"]
        assert len(kept) == 1 and kept[0].message.startswith(f"{len(track)} cues without words")


def test_a_sound_cue_inside_dialogue_is_kept_and_the_dialogue_translated(corpus):
    film = read_track(corpus / "films" / "elephants-dream" / "elephants-dream-subtitles-en.vtt", lang="en")
    scene = film.copy(cues=[c.copy(lang="und") if c.plain == "(howling wind)" else c for c in film.cues[10:16]])
    sentences = cues_to_sentences(scene, "en")
    assert "(howling wind)" not in [s.text for s in sentences]
    done = resegment_sentences(sentences, [f"<{s.id}>" for s in sentences], "es",
                               load_profile("netflix", lang="es"), template=scene)
    wind = [c for c in done.track.cues if c.position == 13]
    assert [(c.text, c.start, c.end) for c in wind] == [("(howling wind)", 72000, 74000)]


def test_a_track_without_cues_says_it_has_nothing_to_translate():
    empty = Track([], path="empty.en.srt", lang="en", format="srt")
    notes = translation_notes(empty, cues_to_sentences(empty, "en"))
    assert [(n.kind, n.message) for n in notes] == [
        ("segment-nothing-to-translate", "nothing to translate: the track has no cues")]
