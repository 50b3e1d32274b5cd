"""The bilingual dinner scene of tests/segment/data (Mandarin and English, written for the tests), with
the cue languages a language identifier gives it: the stages read these, as they will read langid's."""

from pathlib import Path

from subpipe.cues import Track
from subpipe.formats import read_track

DINNER = Path(__file__).resolve().parent / "segment" / "data" / "dinner.en-zh.srt"
# en: Grandma, I'm home! / It smells amazing... / Mom! You're early! / Grandma, can you pass me the
# zh: 快进来... / 当然了... / 妈，新年快乐... / 酱油？    und: (door opens) / ♪ ♪
DINNER_LANGS = {0: "en", 1: "zh", 2: "en", 3: "zh", 4: "zh", 5: "und", 6: "en", 7: "zh", 8: "en", 9: "zh",
                10: "und"}


def dinner(with_langs: bool = True) -> Track:
    """The scene as an English track; `with_langs`: each cue with its language (cue 5, a dash cue of
    both languages, with one per line), as langid would call them."""
    track = read_track(DINNER, lang="en")
    if with_langs:
        for cue in track.cues:
            cue.lang = DINNER_LANGS[cue.position]
            cue.lang_origin = "detected"
        track.cues[4].line_langs = ("zh", "en")
    return track
