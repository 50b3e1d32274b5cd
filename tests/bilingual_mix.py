"""Bilingual films for tests, made from corpus films whose language versions share one timing."""

from conftest import film_track

from subpipe.cues import Track
from subpipe.formats import read_track, write_track
from subpipe.langid import mix_tracks


def versions(film: str, *langs: str) -> dict[str, Track]:
    return {lang: read_track(film_track(film, lang), lang=lang) for lang in langs}


def mixed_file(folder, name: str, mixed: Track):
    """The mix written as a drop-folder file (the languages in the name, not in the cues)."""
    bare = mixed.copy(cues=[c.copy(lang=None, lang_origin=None, lang_confidence=None) for c in mixed.cues], lang=None)
    return write_track(bare, folder / name, format="srt")


def tos_scenes(folder, name: str = "TosMix.en+es.srt"):
    """Tears of Steel told in scenes of eight cues, English then Spanish: (the mix with its truth, the file)."""
    mixed = mix_tracks(versions("tears-of-steel", "en", "es"), ["en"] * 8 + ["es"] * 8)
    return mixed, mixed_file(folder, name, mixed)
