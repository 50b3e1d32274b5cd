"""The demo models' training corpus holds no line of any film in samples/ or the shared corpus.

The corpus is regenerated exactly as ``models/build_demo_model.py`` builds it (same seed, size and
phrase repeats) and compared, by SHA-256, with the manifest the builder wrote into each shipped
package's ``metadata.json``: the check is on what the shipped models were trained on, and a change to
the generator or a new film that alters the corpus fails here until the packages are rebuilt. Then
every sentence of it, in both languages, is checked against every subtitle file (every language):
none may equal a film cue or sentence after normalising case, punctuation and whitespace, and none
may share a run of 6 words with one.
"""

import json
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
PAIRS = [(p["from"], p["to"], MODELS / p["file"])
         for p in tomllib.loads((MODELS / "models.toml").read_text(encoding="utf-8"))["argos"]["pairs"]]


from demo_builder import builder, film_text  # noqa: E402


@pytest.fixture(scope="module")
def films(corpus):
    assert corpus in film_text.FILM_ROOTS, f"the builder reads the corpus at {film_text.FILM_ROOTS[1]}, the tests at {corpus}"
    return film_text.load_film_text()


def _metadata(package: Path) -> dict:
    with zipfile.ZipFile(package) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/metadata.json"))
        return json.loads(archive.read(name))


def test_every_film_subtitle_file_is_read_with_subpipes_reader(films, corpus):
    read = {p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else p.relative_to(corpus).as_posix()
            for p in films.files}
    film_tracks = sorted((corpus / "films").rglob("*.vtt")) + sorted((ROOT / "samples").rglob("*.vtt"))
    assert len(film_tracks) >= 20
    for track in film_tracks:
        assert track in films.files, f"{track} not read by subpipe.formats.read_track"
    assert {"films/tears-of-steel/TOS-es.vtt", "films/sintel/sintel-ru.vtt",
            "samples/bilingual/TearsOfSteelMix.en+es.vtt"} <= read
    # Only corner cases the reader rightly refuses are read line by line instead.
    assert all("corner-cases" in p.as_posix() for p in films.raw_files), films.raw_files


def test_the_check_catches_film_lines_and_near_copies(films, corpus):
    cues = film_text.read_cue_texts(corpus / "films" / "sintel" / "sintel-en.vtt")[0]
    assert cues and all(films.clash(text) for text in cues)
    # A film sentence inside a longer line, a film line reworded at one end, another language's line.
    assert films.clash("Anna said: I've been alone for as long as I can remember.")
    assert films.clash("You're a fool for traveling alone, so completely unprepared, Anna")
    assert "6-gram" in films.clash("Yesterday you were a fool for traveling alone, so completely unprepared")
    spanish = film_text.read_cue_texts(corpus / "films" / "tears-of-steel" / "TOS-es.vtt")[0]
    assert all(films.clash(text) for text in spanish)
    # Film words in a sentence of its own are fine: the vocabulary may be general-purpose.
    assert films.clash("The dragon is looking for the big house.") is None


@pytest.mark.parametrize("source, target, package", PAIRS, ids=[f"{s}-{t}" for s, t, _ in PAIRS])
def test_shipped_models_corpus_holds_no_film_line(source, target, package, films):
    manifest = _metadata(package)["subpipe_corpus"]
    config = builder.BuildConfig(source, target)
    pairs = builder.build_corpus(config, films)
    regenerated = builder.corpus_manifest(pairs, films)
    assert (regenerated["pairs"], regenerated["sha256"]) == (manifest["pairs"], manifest["sha256"]), (
        f"{package.name} was not trained on the corpus the builder generates now: rebuild it "
        "(python models/build_demo_model.py)")
    clashes = []
    for sentence in sorted({text for pair in pairs for text in pair}):
        reason = films.clash(sentence)
        if reason:
            clashes.append(f"{sentence!r}: {reason}")
    assert not clashes, f"{len(clashes)} corpus sentences clash with films, e.g. {clashes[:5]}"
