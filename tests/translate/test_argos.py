"""The argos backend on the shipped demo packages, installed as a user installs them."""

import zipfile

import pytest
from conftest import SAMPLES

from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.translate.argos import ArgosEngine, TranslationCache, install_package_file, reference_translate

SENTENCES = [
    "Where is the house?", "Celia has a robot hand.", "ZQ0 and ZQ1 are here.", "I love you, Thom.",
    "We have 42 minutes.", "Watch out!", "Everything is safe. Perfectly safe.", "Are you hurt?",
    "You're a jerk, Thom.", "I'm sorry.",
]


@pytest.fixture()
def engine(demo_models, tmp_path):
    return ArgosEngine(cache=tmp_path / "cache.sqlite")


def test_demo_packages_install_and_list_their_pairs(engine, demo_models):
    assert ("en", "es") in engine.pairs()
    assert {(p.from_code, p.to_code) for p in demo_models} <= set(engine.pairs())


def test_batched_path_agrees_with_argostranslate_translate(engine):
    film = [c.plain.replace("\n", " ") for c in read_track(SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt")]
    sentences = SENTENCES + film[:30]
    batched = engine.translate_batch(sentences, "en", "es")
    reference = [reference_translate(s, "en", "es") for s in sentences]
    assert batched == reference
    assert batched[0] == "¿Dónde está la casa?"


def test_sentences_are_deduplicated_and_cached_across_engines(engine, tmp_path):
    twice = SENTENCES + SENTENCES
    first = engine.translate_batch(twice, "en", "es")
    assert first[:len(SENTENCES)] == first[len(SENTENCES):]
    assert engine.stats["unique"] == len(SENTENCES) and engine.stats["translated"] == len(SENTENCES)
    again = ArgosEngine(cache=tmp_path / "cache.sqlite")
    assert again.translate_batch(SENTENCES, "en", "es") == first[:len(SENTENCES)]
    assert again.stats["translated"] == 0 and again.stats["cached"] == len(SENTENCES)
    assert len(TranslationCache(tmp_path / "cache.sqlite")) == len(SENTENCES)


def test_names_numbers_and_placeholders_are_copied(engine):
    out = engine.translate_batch(["ZQ0 and ZQ1 are here.", "We have 42 minutes.", "I love you, Thom."], "en", "es")
    assert out[0].count("ZQ0") == 1 and out[0].count("ZQ1") == 1
    assert "42" in out[1] and "Thom" in out[2]


def test_pivot_through_english_when_no_direct_package(engine, demo_models):
    pairs = {(p.from_code, p.to_code) for p in demo_models}
    assert ("es", "en") in pairs and ("en", "fr") in pairs and ("es", "fr") not in pairs
    assert [(p.from_code, p.to_code) for p in engine.route("es", "fr")] == [("es", "en"), ("en", "fr")]
    texts = ["¿Dónde está la casa?", "Tengo tres perros."]
    assert engine.translate_batch(texts, "es", "fr") == [reference_translate(t, "es", "fr") for t in texts]


def test_a_missing_pair_says_what_is_installed_and_how_to_install(engine):
    with pytest.raises(SubpipeError) as err:
        engine.translate_batch(["Hello."], "en", "ja")
    message = str(err.value)
    assert "en->es" in message and "subpipe models install" in message and err.value.code == "missing-pair"


def test_installing_something_that_is_not_a_package_is_refused(tmp_path):
    not_zip = tmp_path / "bad.argosmodel"
    not_zip.write_text("hello")
    with pytest.raises(SubpipeError, match="zip archive"):
        install_package_file(not_zip)
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("pkg/metadata.json", "{}")
        zf.writestr("../escape.txt", "x")
    with pytest.raises(SubpipeError):
        install_package_file(evil)


def test_a_looping_output_is_decoded_again_bounded_by_its_source(engine):
    # Tears of Steel's scream: the 0.3 demo model's beam search loops on it ("¡ALAAA UA PA PA PA ..."
    # for 249 characters, a seven-line cue in the delivered track). argos's own decoding keeps the loop.
    from subpipe.qc.mt import repetition, runaway

    scream = "RAAAAAAAAH!"
    raw = reference_translate(scream, "en", "es")
    assert runaway(scream, raw) or repetition(scream, raw), raw
    out = engine.translate_batch([scream, "Where is the house?"], "en", "es")
    assert not runaway(scream, out[0]) and not repetition(scream, out[0]), out[0]
    assert out[1] == "¿Dónde está la casa?"  # an output that does not loop is left as it was decoded
    assert engine._hop(engine.route("en", "es")[0]).rescued == 1
